package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns a given-up firing into dead-letter events and hands them to the dead-letter sink.
 *
 * <p>Each contributing event of each firing (every input's event of a multi-input firing, every event of a batch)
 * becomes one dead-letter event: the original event, unchanged, plus these CloudEvents extensions:
 * <table>
 *   <caption>dead-letter extensions</caption>
 *   <tr><td>{@value #REASON}</td><td>string</td><td>{@code exhausted} (every attempt failed), {@code nonretryable} (the
 *       failure was not retryable) or {@code shutdown} (the runtime could no longer schedule a retry)</td></tr>
 *   <tr><td>{@value #ATTEMPTS}</td><td>integer</td><td>attempts made</td></tr>
 *   <tr><td>{@value #ERROR}</td><td>string</td><td>message of the last failure (its class name if it had none), at
 *       most {@value #MAX_ERROR_LENGTH} characters</td></tr>
 *   <tr><td>{@value #ERROR_TYPE}</td><td>string</td><td>class name of the last failure</td></tr>
 *   <tr><td>{@value #TRIGGER}</td><td>string</td><td>the trigger's name</td></tr>
 *   <tr><td>{@value #SUBSCRIBER}</td><td>string</td><td>the subscriber's name</td></tr>
 *   <tr><td>{@value #INPUT}</td><td>string</td><td>the input the event arrived on, when known</td></tr>
 *   <tr><td>{@value #FIRST_ATTEMPT}</td><td>timestamp</td><td>when the first attempt started</td></tr>
 *   <tr><td>{@value #LAST_ATTEMPT}</td><td>timestamp</td><td>when the last attempt started</td></tr>
 * </table>
 * Names follow the CloudEvents rule for extensions (lowercase letters and digits, at most 20 characters).
 */
final class DeadLetters {

    static final String REASON = "dlreason";
    static final String ATTEMPTS = "dlattempts";
    static final String ERROR = "dlerror";
    static final String ERROR_TYPE = "dlerrortype";
    static final String TRIGGER = "dltrigger";
    static final String SUBSCRIBER = "dlsubscriber";
    static final String INPUT = "dlinput";
    static final String FIRST_ATTEMPT = "dlfirstattempt";
    static final String LAST_ATTEMPT = "dllastattempt";
    static final int MAX_ERROR_LENGTH = 1000;

    static final String EXHAUSTED = "exhausted";
    static final String NON_RETRYABLE = "nonretryable";
    static final String SHUTDOWN = "shutdown";

    /** Why and when a firing was given up. */
    record Failure(String reason, int attempts, Throwable error, Instant firstAttempt, Instant lastAttempt) {
    }

    /** An event to dead-letter and the input it arrived on ({@code null} if unknown). */
    record Letter(String input, CloudEvent event) {
    }

    private final String trigger;
    private final String subscriber;
    private final Sink sink;
    private final DeliveryContext.TopicPublisher publisher;

    DeadLetters(String trigger, String subscriber, Sink sink, DeliveryContext.TopicPublisher publisher) {
        this.trigger = trigger;
        this.subscriber = subscriber;
        this.sink = sink;
        this.publisher = publisher;
    }

    boolean hasSink() {
        return sink != null;
    }

    /**
     * The events to dead-letter for {@code firings}: every contributing event, each once (by identity), inputs in
     * name order, firings in order.
     */
    static List<Letter> letters(List<Firing> firings) {
        List<Letter> letters = new ArrayList<>();
        Set<CloudEvent> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Firing firing : firings) {
            for (Map.Entry<String, CloudEvent> entry : new TreeMap<>(firing.events()).entrySet()) {
                if (seen.add(entry.getValue())) {
                    letters.add(new Letter(entry.getKey(), entry.getValue()));
                }
            }
            if (seen.add(firing.event())) {
                letters.add(new Letter(null, firing.event()));
            }
        }
        return letters;
    }

    /** The dead-letter form of {@code letter}: the original event plus the failure extensions. */
    CloudEvent toEvent(Letter letter, Failure failure) {
        Throwable error = failure.error();
        String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        if (message.length() > MAX_ERROR_LENGTH) {
            message = message.substring(0, MAX_ERROR_LENGTH);
        }
        CloudEventBuilder builder = CloudEventBuilder.from(letter.event())
                .withExtension(REASON, failure.reason())
                .withExtension(ATTEMPTS, failure.attempts())
                .withExtension(ERROR, message)
                .withExtension(ERROR_TYPE, error.getClass().getName())
                .withExtension(TRIGGER, trigger)
                .withExtension(SUBSCRIBER, subscriber)
                .withExtension(FIRST_ATTEMPT, failure.firstAttempt().atOffset(ZoneOffset.UTC))
                .withExtension(LAST_ATTEMPT, failure.lastAttempt().atOffset(ZoneOffset.UTC));
        if (letter.input() != null) {
            builder.withExtension(INPUT, letter.input());
        }
        return builder.build();
    }

    /** Sends every letter to the dead-letter sink once; the stage fails if any of them could not be handed over. */
    CompletableFuture<Void> send(List<Letter> letters, Failure failure) {
        CompletableFuture<?>[] sends = new CompletableFuture<?>[letters.size()];
        for (int i = 0; i < sends.length; i++) {
            Letter letter = letters.get(i);
            CompletionStage<?> stage;
            try {
                stage = sendOne(letter, toEvent(letter, failure));
            } catch (Throwable t) {
                stage = CompletableFuture.failedFuture(t);
            }
            sends[i] = stage.toCompletableFuture();
        }
        return CompletableFuture.allOf(sends);
    }

    private CompletionStage<?> sendOne(Letter letter, CloudEvent dead) throws Exception {
        if (sink instanceof Sink.Invoke invoke) {
            Map<String, CloudEvent> events = letter.input() == null ? Map.of() : Map.of(letter.input(), dead);
            CompletionStage<?> stage = invoke.invoker().invoke(new Firing(trigger, subscriber, dead, events, List.of(dead)));
            if (stage == null) {
                throw new IllegalStateException("dead-letter handler returned no completion stage");
            }
            return stage;
        }
        Sink.Topic topic = (Sink.Topic) sink;
        CloudEvent transformed = topic.transform().apply(dead);
        if (transformed == null) {
            throw new IllegalStateException("transform of dead-letter topic '" + topic.topic() + "' returned null for event "
                    + dead.getId());
        }
        return publisher.publish(topic.bus(), topic.topic(), transformed);
    }
}
