package io.switchboard.api;

import java.util.Map;
import java.util.Objects;

/**
 * A message found on a bus that is not a valid CloudEvent.
 *
 * @param topic    the topic it was read from
 * @param payload  its raw bytes (never {@code null}; empty if the message had none)
 * @param headers  its headers or properties as text, if the transport has any
 * @param reason   why it could not be decoded
 * @param location where it sits in the transport (e.g. {@code partition 3 offset 1234}), for operators
 */
public record PoisonMessage(String topic, byte[] payload, Map<String, String> headers, String reason, String location) {
    public PoisonMessage {
        Objects.requireNonNull(topic, "topic");
        payload = payload == null ? new byte[0] : payload;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(reason, "reason");
        location = location == null ? "" : location;
    }
}
