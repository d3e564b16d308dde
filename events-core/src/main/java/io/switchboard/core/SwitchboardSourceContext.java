package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** The {@link SourceContext} of one source: emits to the source's topic, requests through the runtime. */
final class SwitchboardSourceContext implements SourceContext {

    private final Switchboard switchboard;
    private final String source;

    SwitchboardSourceContext(Switchboard switchboard, String source) {
        this.switchboard = switchboard;
        this.source = source;
    }

    @Override
    public String sourceName() {
        return source;
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return switchboard.observation().emitted(source, switchboard.publish(source, event));
    }

    @Override
    public CompletionStage<CloudEvent> request(String trigger, CloudEvent event, Duration timeout) {
        Objects.requireNonNull(trigger, "trigger");
        return switchboard.request(source, trigger, event, timeout);
    }

    @Override
    public Scheduler scheduler() {
        return switchboard.scheduler();
    }

    @Override
    public boolean ready() {
        return switchboard.runtime().health().ready();
    }
}
