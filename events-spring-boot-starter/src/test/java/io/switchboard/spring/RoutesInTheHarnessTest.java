package io.switchboard.spring;

import io.cloudevents.CloudEvent;
import io.switchboard.core.Switchboard;
import io.switchboard.test.Events;
import io.switchboard.test.SwitchboardExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented way to run an application's routes in the events-test harness: {@code switchboard.enabled=false}
 * builds the routes (properties loaded, handler beans bound) without a runtime, and the harness runs them on
 * in-memory buses and a manual clock, settling after every step.
 */
@SpringBootTest(properties = {
        "spring.config.name=routes-in-the-harness", // not the sample shop's application.yml
        "switchboard.enabled=false",
        "switchboard.cluster-event-bus.kafka.brokers=127.0.0.1:1", // swapped for an in-memory bus by the harness
        "switchboard.triggers.reminders.inputs.due.event-source=app",
        "switchboard.triggers.reminders.inputs.due.filter=type = 'reminder.due'",
        "switchboard.triggers.reminders.subscribers[0].name=send",
        "switchboard.triggers.reminders.subscribers[0].delivery.max-attempts=3",
        "switchboard.triggers.reminders.subscribers[0].delivery.initial-backoff=1m",
        "switchboard.triggers.reminders.subscribers[0].delivery.max-backoff=5m",
        "switchboard.triggers.reminders.subscribers[0].sink.handler=send"})
class RoutesInTheHarnessTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        final List<String> sent = new CopyOnWriteArrayList<>();
        int failuresLeft = 1;

        @SwitchboardHandler("send")
        void send(CloudEvent reminder) {
            if (failuresLeft-- > 0) {
                throw new IllegalStateException("mail server busy");
            }
            sent.add(reminder.getId());
        }
    }

    @RegisterExtension
    final SwitchboardExtension harness = SwitchboardExtension.create();

    @Autowired
    SwitchboardRoutes routes;

    @Autowired
    App app;

    @Autowired
    ApplicationContext context;

    @BeforeEach
    void useTheApplicationsRoutes() {
        harness.configure(routes);
    }

    @Test
    void aFailedReminderIsRetriedWhenTheManualClockPassesItsBackoff() {
        assertThat(context.getBeanNamesForType(Switchboard.class)).isEmpty();
        harness.publish(Events.event("reminder.due").id("r-1"));
        assertThat(app.sent).isEmpty(); // first attempt failed; the retry waits a minute on the manual clock

        harness.advance(Duration.ofMinutes(2));
        assertThat(app.sent).containsExactly("r-1");
        assertThat(harness.stats("reminders", "send").retried()).isEqualTo(1);
        assertThat(harness.runtime().buses()).containsEntry("default", "memory");
    }
}
