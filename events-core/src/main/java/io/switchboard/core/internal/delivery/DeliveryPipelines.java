package io.switchboard.core.internal.delivery;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Creates the {@link DeliveryPipeline} of a subscriber. */
public final class DeliveryPipelines {

    private static final Logger log = LoggerFactory.getLogger(DeliveryPipelines.class);

    private DeliveryPipelines() {
    }

    /** Creates the pipeline for {@code subscriber} of {@code trigger}. */
    public static DeliveryPipeline create(Trigger trigger, Subscriber subscriber, DeliveryContext context) {
        return new DeliveryPipeline() {
            @Override
            public CompletionStage<CloudEvent> deliver(Firing firing) {
                CompletionStage<CloudEvent> attempt;
                try {
                    attempt = attempt(subscriber.sink(), firing, context);
                } catch (Throwable t) {
                    attempt = CompletableFuture.failedFuture(t);
                }
                return attempt.whenComplete((reply, failure) -> {
                    if (failure == null) {
                        context.counters().delivered.increment();
                    } else {
                        context.counters().failed.increment();
                        context.counters().deadLettered.increment();
                        log.warn("subscriber '{}' of trigger '{}' failed on event {}", subscriber.name(), trigger.name(),
                                firing.event().getId(), failure);
                    }
                });
            }

            @Override
            public CompletionStage<Void> close() {
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    private static CompletionStage<CloudEvent> attempt(Sink sink, Firing firing, DeliveryContext context)
            throws Exception {
        if (sink instanceof Sink.Invoke invoke) {
            return invoke.invoker().invoke(firing);
        }
        Sink.Topic topic = (Sink.Topic) sink;
        return context.publisher().publish(topic.bus(), topic.topic(), topic.transform().apply(firing.event()))
                .thenApply(v -> null);
    }
}
