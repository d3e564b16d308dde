package io.switchboard.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how an HTTP sink ({@link Sink#http(HttpTarget)}) delivers a firing: the function's URL, the CloudEvents
 * HTTP content mode, a per-request timeout, extra headers and credentials. Immutable and thread-safe; create one with
 * {@link #builder(URI)}.
 *
 * <p>Outcome of one request: a 2xx response completes the delivery (a response that is itself a CloudEvent is the
 * firing's reply); 408, 429, 5xx, a timeout or a connection failure are retried under the subscriber's
 * {@link DeliveryPolicy} and then dead-lettered; any other status is a non-retryable failure that goes straight to
 * the dead letter.
 */
public final class HttpTarget {

    /** Default time allowed for one request, from sending to the end of the response. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Default header carrying the HMAC-SHA256 signature of the body, as the HTTP source checks it. */
    public static final String DEFAULT_SIGNATURE_HEADER = "X-Signature-256";

    /** How a CloudEvent is carried in a request (the CloudEvents HTTP protocol binding's content modes). */
    public enum Mode {
        /** Attributes in {@code ce-*} headers, data as the body with its own content type. */
        BINARY,
        /** The whole event as {@code application/cloudevents+json}. */
        STRUCTURED
    }

    /** How a firing with several events (a correlation or a batch) is sent. */
    public enum MultipleEvents {
        /** One request whose body is an {@code application/cloudevents-batch+json} array, in firing order. */
        BATCH,
        /** One request per event, in firing order; the firing completes when all have succeeded. */
        EACH
    }

    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "connection",
            "transfer-encoding", "expect", "upgrade");

    private final URI uri;
    private final Mode mode;
    private final MultipleEvents multipleEvents;
    private final Duration timeout;
    private final Map<String, String> headers;
    private final String bearerToken;
    private final byte[] hmacSecret;
    private final String signatureHeader;
    private final String replyTopic;

    private HttpTarget(Builder b) {
        this.uri = b.uri;
        this.mode = b.mode;
        this.multipleEvents = b.multipleEvents;
        this.timeout = b.timeout;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.bearerToken = b.bearerToken;
        this.hmacSecret = b.hmacSecret == null ? null : b.hmacSecret.clone();
        this.signatureHeader = b.signatureHeader;
        this.replyTopic = b.replyTopic;
    }

    /** A builder for a target at {@code uri} (absolute, {@code http} or {@code https}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The function's URL. */
    public URI uri() { return uri; }

    /** The content mode; {@link Mode#BINARY} unless set. */
    public Mode mode() { return mode; }

    /** How firings with several events are sent; {@link MultipleEvents#BATCH} unless set. */
    public MultipleEvents multipleEvents() { return multipleEvents; }

    /** Time allowed for one request. */
    public Duration timeout() { return timeout; }

    /** Extra headers sent with every request, in the order given. */
    public Map<String, String> headers() { return headers; }

    /** The bearer token sent as {@code Authorization: Bearer …}, or {@code null}. */
    public String bearerToken() { return bearerToken; }

    /** The HMAC-SHA256 key the body is signed with, or {@code null} for unsigned requests. */
    public byte[] hmacSecret() { return hmacSecret == null ? null : hmacSecret.clone(); }

    /** The header carrying {@code sha256=<hex>} of the body when {@link #hmacSecret()} is set. */
    public String signatureHeader() { return signatureHeader; }

    /**
     * The topic of the trigger's bus each reply event is published to, or {@code null}: replies then only answer
     * {@code Switchboard.request} callers, and are dropped otherwise (as a {@link Sink#replying} handler's are).
     */
    public String replyTopic() { return replyTopic; }

    @Override
    public String toString() {
        return "HttpTarget[" + uri + ", " + mode.name().toLowerCase(Locale.ROOT) + "]";
    }

    /** Builds an {@link HttpTarget}; each setter checks its argument, so a mistake is reported where it is made. */
    public static final class Builder {
        private final URI uri;
        private Mode mode = Mode.BINARY;
        private MultipleEvents multipleEvents = MultipleEvents.BATCH;
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String bearerToken;
        private byte[] hmacSecret;
        private String signatureHeader = DEFAULT_SIGNATURE_HEADER;
        private String replyTopic;

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("HTTP sink URI must be an absolute http:// or https:// URL with a "
                        + "host, e.g. http://localhost:8080/ship, but was '" + uri + "'");
            }
            this.uri = uri;
        }

        /** Sends events in this content mode (default {@link Mode#BINARY}). */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Sends firings with several events this way (default {@link MultipleEvents#BATCH}). */
        public Builder multipleEvents(MultipleEvents multipleEvents) {
            this.multipleEvents = Objects.requireNonNull(multipleEvents, "multipleEvents");
            return this;
        }

        /** Time allowed for one request (default {@link #DEFAULT_TIMEOUT}); a timeout is retried like a 503. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("HTTP sink timeout must be positive, but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Adds a header sent with every request. Headers the binding sets itself ({@code Content-Type},
         * {@code ce-*}) and hop-by-hop headers cannot be set here.
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            String lower = name.toLowerCase(Locale.ROOT);
            if (name.isBlank() || RESERVED_HEADERS.contains(lower) || lower.startsWith("ce-")) {
                throw new IllegalArgumentException("HTTP sink header '" + name + "' cannot be set: the sink writes "
                        + "Content-Type and ce-* headers itself, and hop-by-hop headers belong to the HTTP client");
            }
            headers.put(name, value);
            return this;
        }

        /** Sends {@code Authorization: Bearer <token>} with every request. */
        public Builder bearerToken(String token) {
            Objects.requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new IllegalArgumentException("HTTP sink bearer token must not be blank");
            }
            this.bearerToken = token;
            return this;
        }

        /** Signs each body with HMAC-SHA256 under {@code secret} (UTF-8), sent as {@code X-Signature-256: sha256=<hex>}. */
        public Builder hmacSha256(String secret) {
            return hmacSha256(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8),
                    DEFAULT_SIGNATURE_HEADER);
        }

        /** Signs each body with HMAC-SHA256 under {@code secret}, sent in {@code header} as {@code sha256=<hex>}. */
        public Builder hmacSha256(byte[] secret, String header) {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(header, "header");
            if (secret.length == 0) {
                throw new IllegalArgumentException("HTTP sink HMAC secret must not be empty");
            }
            if (header.isBlank()) {
                throw new IllegalArgumentException("HTTP sink signature header must not be blank");
            }
            this.hmacSecret = secret.clone();
            this.signatureHeader = header;
            return this;
        }

        /**
         * Publishes every reply event (a response that is a CloudEvent) to {@code topic} of the trigger's bus, as
         * Knative re-publishes a subscriber's reply into its broker; {@code "application"} (where
         * {@code Switchboard.publish(event)} goes) routes replies back through the runtime's triggers. The delivery
         * completes only once the reply was accepted by the bus; a refused publish fails the attempt, which is then
         * retried (so the function may be called again). A request's reply is published too, and also returned to the
         * caller. A reply without a trace context continues that of the event it answers.
         */
        public Builder replyTopic(String topic) {
            Objects.requireNonNull(topic, "topic");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("HTTP sink reply topic must not be blank: name the bus topic replies"
                        + " are published to, e.g. \"application\" to route them through the runtime's triggers");
            }
            this.replyTopic = topic;
            return this;
        }

        /** The target. */
        public HttpTarget build() {
            return new HttpTarget(this);
        }
    }
}
