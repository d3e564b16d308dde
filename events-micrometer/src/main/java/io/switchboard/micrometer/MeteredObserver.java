package io.switchboard.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.Switchboard;

/**
 * {@link SwitchboardMetrics#observer}: binds the pull meters when the runtime is built (and for each subscriber added
 * later), and wraps every handler sink in a {@link TimedSink}.
 */
final class MeteredObserver implements RuntimeObserver {

    private final MeterRegistry registry;
    private final Tags common;
    private final int inlineMask;
    private final int asyncMask;
    private volatile SwitchboardMetrics metrics;

    MeteredObserver(MeterRegistry registry, Tags common, int inlineMask, int asyncMask) {
        this.registry = java.util.Objects.requireNonNull(registry, "registry");
        this.common = common;
        this.inlineMask = inlineMask;
        this.asyncMask = asyncMask;
    }

    @Override
    public void attached(RuntimeView runtime) {
        SwitchboardMetrics m = new SwitchboardMetrics(runtime, common);
        m.bindTo(registry);
        metrics = m;
    }

    @Override
    public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
        SwitchboardMetrics m = metrics;
        if (m != null) {
            // a trigger added after build: its meters are bound now (those of the build are bound by attached)
            m.bindSubscriber(registry, trigger.name(), subscriber.name());
            String bus = trigger.bus() == null ? Switchboard.DEFAULT_BUS : trigger.bus();
            for (TriggerInput input : trigger.inputs().values()) {
                m.bindTopic(registry, bus, input.source());
            }
        }
        Tags tags = common.and(MeterNames.TRIGGER, trigger.name()).and(MeterNames.SUBSCRIBER, subscriber.name());
        Timer success = handlerTimer(tags.and(MeterNames.OUTCOME, "success"));
        Timer failure = handlerTimer(tags.and(MeterNames.OUTCOME, "failure"));
        Timer latency = Timer.builder(MeterNames.EVENT_LATENCY).tags(tags)
                .description("from the event's time attribute to the end of its successful handler call (events"
                        + " without a time are not recorded)")
                .register(registry);
        return TimedSink.wrap(sink, success, failure, latency, subscriber.inline() ? inlineMask : asyncMask);
    }

    private Timer handlerTimer(Tags tags) {
        return Timer.builder(MeterNames.HANDLER_DURATION).tags(tags)
                .description("duration of handler calls (each attempt; inline subscribers: a sample), by outcome")
                .register(registry);
    }

    @Override
    public String toString() {
        return "SwitchboardMetrics.observer(" + registry.getClass().getSimpleName() + ")";
    }
}
