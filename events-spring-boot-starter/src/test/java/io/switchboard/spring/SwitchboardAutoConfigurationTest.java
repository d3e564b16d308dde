package io.switchboard.spring;

import io.cloudevents.CloudEvent;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.FiringHandler;
import io.switchboard.api.ReplyHandler;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.Switchboard;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.test.Events;
import jakarta.annotation.PreDestroy;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.ContextClosedEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SwitchboardAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class));

    record Order(String id, int amount) {
    }

    static class Shipping {
        final List<Object> calls = new CopyOnWriteArrayList<>();

        @SwitchboardHandler("ship")
        void ship(Order order, CloudEvent event) {
            calls.add(order);
            calls.add(event.getId());
        }

        @SwitchboardHandler("pair")
        void pair(Firing firing) {
            calls.add(firing.events().keySet());
        }

        @SwitchboardHandler("later")
        CompletionStage<Void> later(String text) {
            return CompletableFuture.runAsync(() -> calls.add("later:" + text));
        }

        @SwitchboardHandler("quote")
        CloudEvent quote(CloudEvent request) {
            return Events.event("quote.given").id("q-" + request.getId()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ShippingConfig {
        @Bean
        Shipping shipping() {
            return new Shipping();
        }
    }

    private static final String[] ORDER_ROUTE = {
            "switchboard.triggers.orders.inputs.created.event-source=app",
            "switchboard.triggers.orders.inputs.created.filter=type = 'order.created'",
            "switchboard.triggers.orders.subscribers[0].name=ship",
            "switchboard.triggers.orders.subscribers[0].sink.handler=ship"};

    private static CloudEvent order(String id) {
        return Events.event("order.created").id(id).data("{\"id\":\"" + id + "\",\"amount\":3}").build();
    }

    @Test
    void propertiesRouteEventsToAnAnnotatedMethodWithItsPayloadReadAsJson() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(ORDER_ROUTE).run(context -> {
            assertThat(context).hasNotFailed();
            Switchboard sb = context.getBean(Switchboard.class);
            assertThat(sb.runtime().state()).isEqualTo(RuntimeView.State.RUNNING);
            sb.publish(order("o-1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            Shipping shipping = context.getBean(Shipping.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> shipping.calls.size() == 2);
            assertThat(shipping.calls).containsExactly(new Order("o-1", 3), "o-1");
        });
    }

    @Test
    void aFiringParameterReceivesEveryCorrelatedEvent() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(
                "switchboard.triggers.orders.inputs.created.event-source=app",
                "switchboard.triggers.orders.inputs.created.filter=type = 'order.created'",
                "switchboard.triggers.orders.inputs.paid.event-source=app",
                "switchboard.triggers.orders.inputs.paid.filter=type = 'payment.settled'",
                "switchboard.triggers.orders.subscribers[0].condition=created && paid",
                "switchboard.triggers.orders.subscribers[0].correlate-by=subject",
                "switchboard.triggers.orders.subscribers[0].name=both",
                "switchboard.triggers.orders.subscribers[0].sink.handler=pair").run(context -> {
            Switchboard sb = context.getBean(Switchboard.class);
            sb.publish(Events.event("order.created").subject("o-7").build()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            sb.publish(Events.event("payment.settled").subject("o-7").build()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            Shipping shipping = context.getBean(Shipping.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> !shipping.calls.isEmpty());
            assertThat(shipping.calls).containsExactly(java.util.Set.of("created", "paid"));
        });
    }

    @Test
    void aMethodReturningACompletionStageEndsItsAttemptWhenItCompletesAndTextDataReadsAsAString() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(
                "switchboard.triggers.notes.inputs.any.event-source=app",
                "switchboard.triggers.notes.inputs.any.filter=type = 'note'",
                "switchboard.triggers.notes.subscribers[0].sink.handler=later").run(context -> {
            Switchboard sb = context.getBean(Switchboard.class);
            sb.publish(Events.event("note").text("hello").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    sb.runtime().stats("notes", "later").delivered() == 1);
            assertThat(context.getBean(Shipping.class).calls).containsExactly("later:hello");
        });
    }

    @Test
    void dataThatDoesNotReadAsThePayloadTypeIsDeadLetteredWithoutRetries() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(ORDER_ROUTE).withPropertyValues(
                "switchboard.triggers.orders.subscribers[0].delivery.max-attempts=5").run(context -> {
            Switchboard sb = context.getBean(Switchboard.class);
            sb.publish(Events.event("order.created").id("bad").data("{\"id\": [1, 2]}").build())
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    sb.runtime().stats("orders", "ship").deadLettered() == 1);
            assertThat(sb.runtime().stats("orders", "ship").failed()).isEqualTo(1);
            assertThat(context.getBean(Shipping.class).calls).isEmpty();
        });
    }

    @Test
    void dataPropertiesEnablePayloadFiltersAndInputSchemasDeadLetterInvalidData() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(
                "switchboard.data.filters=true",
                "switchboard.data.max-depth=16",
                // (TestPropertyValues, like .properties files, splits at the first ':', so this URI has none)
                "switchboard.schemas[/schemas/order.v1.json].json={\"type\": \"object\","
                        + " \"required\": [\"id\", \"amount\"], \"properties\": {\"id\": {\"type\": \"string\"}}}",
                "switchboard.triggers.orders.inputs.created.event-source=app",
                "switchboard.triggers.orders.inputs.created.filter=type = 'order.created' AND data.amount > 1",
                "switchboard.triggers.orders.inputs.created.schema=byDataschema",
                "switchboard.triggers.orders.subscribers[0].name=ship",
                "switchboard.triggers.orders.subscribers[0].sink.handler=ship").run(context -> {
            assertThat(context).hasNotFailed();
            Switchboard sb = context.getBean(Switchboard.class);
            String schema = "/schemas/order.v1.json";
            sb.publish(Events.event("order.created").id("small").dataschema(schema)
                    .data("{\"id\": \"small\", \"amount\": 1}").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            sb.publish(Events.event("order.created").id("bad").dataschema(schema)
                    .data("{\"id\": 7, \"amount\": 3}").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            sb.publish(Events.event("order.created").id("good").dataschema(schema)
                    .data("{\"id\": \"good\", \"amount\": 3}").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    sb.runtime().stats("orders", "ship").deadLettered() == 1);
            Shipping shipping = context.getBean(Shipping.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> shipping.calls.size() == 2);
            assertThat(shipping.calls).containsExactly(new Order("good", 3), "good");
        });
    }

    @Test
    void aMethodReturningACloudEventAnswersRequests() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(
                "switchboard.triggers.quotes.inputs.ask.event-source=app",
                "switchboard.triggers.quotes.inputs.ask.filter=type = 'quote.asked'",
                "switchboard.triggers.quotes.subscribers[0].name=answer",
                "switchboard.triggers.quotes.subscribers[0].sink.handler=quote").run(context -> {
            CloudEvent reply = context.getBean(Switchboard.class)
                    .request(Events.event("quote.asked").id("r-1").build(), Duration.ofSeconds(5))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(reply.getId()).isEqualTo("q-r-1");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class InterfaceHandlers {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Bean
        EventHandler audit() {
            return event -> seen.add("audit:" + event.getId());
        }

        @Bean
        FiringHandler batchLog() {
            return firing -> seen.add("batchLog:" + firing.event().getId());
        }

        @Bean
        ReplyHandler echo() {
            return event -> Events.event("echo").id("echo-" + event.getId()).build();
        }
    }

    @Test
    void beansOfTheHandlerInterfacesAreBoundByTheirBeanNames() {
        runner.withUserConfiguration(InterfaceHandlers.class).withPropertyValues(
                "switchboard.triggers.all.inputs.any.event-source=app",
                "switchboard.triggers.all.inputs.any.filter=type = 'thing'",
                "switchboard.triggers.all.subscribers[0].name=a",
                "switchboard.triggers.all.subscribers[0].sink.handler=audit",
                "switchboard.triggers.all.subscribers[1].name=b",
                "switchboard.triggers.all.subscribers[1].sink.handler=batchLog",
                "switchboard.triggers.echo.inputs.ask.event-source=app",
                "switchboard.triggers.echo.inputs.ask.filter=type = 'ask'",
                "switchboard.triggers.echo.subscribers[0].name=answer",
                "switchboard.triggers.echo.subscribers[0].sink.handler=echo").run(context -> {
            Switchboard sb = context.getBean(Switchboard.class);
            sb.publish(Events.event("thing").id("t-1").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            InterfaceHandlers handlers = context.getBean(InterfaceHandlers.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> handlers.seen.size() == 2);
            assertThat(handlers.seen).containsExactlyInAnyOrder("audit:t-1", "batchLog:t-1");
            CloudEvent reply = sb.request(Events.event("ask").id("x").build(), Duration.ofSeconds(5))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(reply.getId()).isEqualTo("echo-x");
            assertThat(context.getBean(SwitchboardRoutes.class).handlerNames())
                    .containsExactlyInAnyOrder("audit", "batchLog", "echo");
        });
    }

    @Test
    void aSubscriberNamingAMissingHandlerFailsStartupNamingItsPropertyAndTheHandlersThereAre() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(
                "switchboard.triggers.orders.inputs.created.event-source=app",
                "switchboard.triggers.orders.inputs.created.filter=type = 'order.created'",
                "switchboard.triggers.orders.subscribers[0].name=ship",
                "switchboard.triggers.orders.subscribers[0].sink.handler=shipp").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("1 configuration problem:").message()
                    .contains("switchboard.triggers.orders.subscribers[0].sink.handler: no handler named 'shipp' is"
                            + " bound")
                    .contains("'ship' (method Shipping.ship(Order, CloudEvent) of bean 'shipping')")
                    .contains("@SwitchboardHandler(\"shipp\")");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoShips {
        @Bean
        Shipping shipping() {
            return new Shipping();
        }

        @Bean
        EventHandler ship() {
            return event -> { };
        }
    }

    @Test
    void aHandlerNameProvidedTwiceFailsStartupNamingBothProviders() {
        runner.withUserConfiguration(TwoShips.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().message()
                    .contains("handler 'ship' is ambiguous")
                    .contains("method Shipping.ship(Order, CloudEvent) of bean 'shipping'")
                    .contains("bean 'ship' (EventHandler");
        });
    }

    static class BadSignature {
        @SwitchboardHandler("bad")
        String bad(Order a, Order b) {
            return "";
        }
    }

    @Test
    void anAnnotatedMethodWithParametersItCannotTakeFailsStartupNamingTheMethod() {
        runner.withBean(BadSignature.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().message()
                    .contains("method BadSignature.bad(Order, Order) of bean")
                    .contains("take at most one CloudEvent, one Firing and one payload parameter");
        });
    }

    @Test
    void mistakesInTheModelPropertiesAreReportedTogetherAtTheirPropertyNames() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(ORDER_ROUTE).withPropertyValues(
                "switchboard.triggers.orders.subscribers[0].concurency=3",
                "switchboard.triggers.orders.subscribers[0].within=soon",
                "switchboard.triggers.empty.event-bus=default").run(context -> {
            assertThat(context).hasFailed();
            String message = context.getStartupFailure().getMessage();
            assertThat(message)
                    .contains("switchboard.triggers.orders.subscribers[0].concurency: unknown key 'concurency'")
                    .contains("did you mean 'concurrency'?")
                    .contains("switchboard.triggers.orders.subscribers[0].within: 'within' is not a duration: 'soon'")
                    .contains("switchboard.triggers.empty: trigger 'empty' has no 'inputs'");
        });
    }

    @Test
    void aPropertyOfTheWrongTypeFailsBindingNamingTheProperty() {
        runner.withPropertyValues("switchboard.drain-timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class);
            Throwable bind = context.getStartupFailure();
            while (bind != null && !(bind instanceof BindException)) {
                bind = bind.getCause();
            }
            assertThat(bind).isNotNull();
            assertThat(((BindException) bind).getProperty().getName().toString()).isEqualTo("switchboard.drain-timeout");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class BeansDeclared {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Bean
        Trigger audit() {
            return Trigger.builder("audit").input("all", "type = 'audited'")
                    .subscriber(Subscriber.builder("log").sink(Sink.handler(e -> seen.add(e.getId()))).build())
                    .build();
        }

        @Bean
        @Primary
        InMemoryEventBus mainBus() {
            return InMemoryEventBus.builder().build();
        }

        @Bean
        InMemoryEventBus sideBus() {
            return InMemoryEventBus.builder().build();
        }
    }

    @Test
    void triggerAndBusBeansArePickedUpWithThePrimaryBusAsTheDefault() {
        runner.withUserConfiguration(BeansDeclared.class).run(context -> {
            Switchboard sb = context.getBean(Switchboard.class);
            assertThat(sb.runtime().triggers()).containsExactly("audit");
            assertThat(sb.runtime().buses()).containsOnlyKeys("default", "sideBus");
            InMemoryEventBus main = context.getBean("mainBus", InMemoryEventBus.class);
            main.publish("app", Events.event("audited").id("a-1").build()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            BeansDeclared beans = context.getBean(BeansDeclared.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> beans.seen.contains("a-1"));
        });
    }

    @Test
    void withEnabledFalseOnlyTheRoutesAreBuilt() {
        runner.withUserConfiguration(ShippingConfig.class).withPropertyValues(ORDER_ROUTE)
                .withPropertyValues("switchboard.enabled=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(SwitchboardRoutes.class);
                    assertThat(context).doesNotHaveBean(Switchboard.class);
                    assertThat(context).doesNotHaveBean(SwitchboardLifecycle.class);
                    assertThat(context.getBean(SwitchboardRoutes.class).handlerNames())
                            .containsExactly("later", "pair", "quote", "ship");
                });
    }

    @Test
    void anApplicationDefinedSwitchboardIsKeptAndStillStartedWithTheContext() {
        runner.withBean(Switchboard.class, () -> Switchboard.builder().build()).run(context -> {
            assertThat(context).hasSingleBean(Switchboard.class);
            assertThat(context.getBean(Switchboard.class).runtime().triggers()).isEmpty();
            assertThat(context.getBean(Switchboard.class).runtime().state()).isEqualTo(RuntimeView.State.RUNNING);
        });
    }

    @Test
    void customizersAndSettingsReachTheBuilder() {
        runner.withPropertyValues("switchboard.group=shop")
                .withBean(SwitchboardBuilderCustomizer.class, () -> b -> b.trigger(Trigger.builder("added")
                        .input("x", "type = 'x'").subscriber("s", null, Sink.topic("y")).build()))
                .run(context -> {
                    Switchboard sb = context.getBean(Switchboard.class);
                    assertThat(sb.runtime().group()).isEqualTo("shop");
                    assertThat(sb.runtime().triggers()).containsExactly("added");
                });
    }

    /**
     * A handler whose work must finish before its bean is destroyed. It injects the runtime (as a handler that
     * publishes does), so the context destroys it before the runtime bean: only the lifecycle's drain keeps it alive
     * until its event is handled.
     */
    static class SlowHandler implements ApplicationListener<ContextClosedEvent> {
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch closing = new CountDownLatch(1);
        final List<String> log = new CopyOnWriteArrayList<>();

        SlowHandler(Switchboard publisher) {
            log.add("created with a " + publisher.getClass().getSimpleName());
        }

        @SwitchboardHandler("slow")
        void handle(CloudEvent event) throws InterruptedException {
            entered.countDown();
            // still running when the context starts closing: finishes only once the close has begun
            if (!closing.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the context did not start closing");
            }
            log.add("handled " + event.getId());
        }

        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            closing.countDown();
        }

        @PreDestroy
        void destroy() {
            log.add("destroyed");
        }
    }

    @Test
    void closingTheContextDrainsAcceptedEventsBeforeHandlerBeansAreDestroyed() throws Exception {
        SlowHandler[] handler = new SlowHandler[1];
        Switchboard[] sb = new Switchboard[1];
        runner.withBean(SlowHandler.class).withPropertyValues(
                "switchboard.triggers.work.inputs.all.event-source=app",
                "switchboard.triggers.work.inputs.all.filter=type = 'job'",
                "switchboard.triggers.work.subscribers[0].name=run",
                "switchboard.triggers.work.subscribers[0].sink.handler=slow").run(context -> {
            handler[0] = context.getBean(SlowHandler.class);
            sb[0] = context.getBean(Switchboard.class);
            sb[0].publish(Events.event("job").id("j-1").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(handler[0].entered.await(5, TimeUnit.SECONDS)).isTrue();
        }); // closes the context while the handler sleeps
        assertThat(handler[0].log).containsExactly("created with a Switchboard", "handled j-1", "destroyed");
        assertThat(sb[0].runtime().state()).isEqualTo(RuntimeView.State.CLOSED);
        assertThat(sb[0].drainReport()).isNotNull();
    }

    @Test
    void aHandlerBeanMayInjectTheSwitchboardItIsCalledBy() {
        runner.withUserConfiguration(Republisher.class).withPropertyValues(
                "switchboard.triggers.a.inputs.in.event-source=app",
                "switchboard.triggers.a.inputs.in.filter=type = 'first'",
                "switchboard.triggers.a.subscribers[0].name=s",
                "switchboard.triggers.a.subscribers[0].sink.handler=forward",
                "switchboard.triggers.b.inputs.in.event-source=app",
                "switchboard.triggers.b.inputs.in.filter=type = 'second'",
                "switchboard.triggers.b.subscribers[0].name=s",
                "switchboard.triggers.b.subscribers[0].sink.handler=sink").run(context -> {
            assertThat(context).hasNotFailed();
            context.getBean(Switchboard.class).publish(Events.event("first").id("f").build());
            Republisher r = context.getBean(Republisher.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> r.seen.contains("second:f"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Republisher {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Bean
        EventHandler forward(Switchboard switchboard) {
            return event -> switchboard.publish(Events.event("second").id(event.getId()).build());
        }

        @Bean
        EventHandler sink() {
            return event -> seen.add(event.getType() + ":" + event.getId());
        }
    }
}
