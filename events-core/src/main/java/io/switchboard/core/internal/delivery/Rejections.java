package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.InvalidDataException;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the events one subscriber never gets to see — their data failed the input's JSON Schema — straight to its
 * dead-letter sink, with {@code dlreason} {@value InvalidDataException#SCHEMA_REASON}, {@code dlattempts} 0 and the
 * violations as {@code dlerror}. No attempt, no retry: the handler is never called. Without a dead-letter sink the event
 * is logged and counted as dead-lettered, like any other given-up event.
 */
public final class Rejections {

    private static final Logger log = LoggerFactory.getLogger(Rejections.class);

    private final String owner;
    private final DeadLetters deadLetters;
    private final DeliveryContext context;

    public Rejections(Trigger trigger, Subscriber subscriber, DeliveryContext context) {
        this.owner = "subscriber '" + subscriber.name() + "' of trigger '" + trigger.name() + "'";
        this.deadLetters = new DeadLetters(trigger.name(), subscriber.name(), subscriber.deadLetter(), context.publisher());
        this.context = context;
    }

    /**
     * Dead-letters {@code event} of {@code input} for {@code why}.
     *
     * @return a stage completing when the dead letter was handed over (normally), or exceptionally with a
     *         {@link DeadLetterException} when the dead-letter sink failed (the event must then not be acknowledged)
     */
    public CompletableFuture<Void> reject(String input, CloudEvent event, InvalidDataException why) {
        context.counters().failed.increment();
        if (!deadLetters.hasSink()) {
            context.counters().deadLettered.increment();
            log.warn("{}: event {} of input '{}' is refused ({}); no dead-letter sink is configured, so it is dropped"
                    + " (counted as deadLettered)", owner, event.getId(), input, why.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        Instant now = context.scheduler().now();
        DeadLetters.Failure failure = new DeadLetters.Failure(InvalidDataException.SCHEMA_REASON, 0, why, now, now);
        return deadLetters.send(List.of(new DeadLetters.Letter(input, event)), failure).handle((ok, sendFailure) -> {
            if (sendFailure == null) {
                context.counters().deadLettered.increment();
                return null;
            }
            log.error("{}: event {} of input '{}' is refused ({}) and the dead-letter sink failed too; leaving it"
                    + " unsettled for redelivery", owner, event.getId(), input, why.getMessage(), sendFailure);
            DeadLetterException dl = new DeadLetterException(owner + ": the dead-letter sink failed for event "
                    + event.getId() + " (" + sendFailure + ") after its data was refused", sendFailure);
            dl.addSuppressed(why);
            throw dl;
        });
    }
}
