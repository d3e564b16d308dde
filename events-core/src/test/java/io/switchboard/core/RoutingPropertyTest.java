package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.dispatch.InputFilter;
import io.switchboard.core.internal.dispatch.Route;
import io.switchboard.core.internal.dispatch.RoutingTable;
import io.switchboard.core.internal.dispatch.SubscriberDispatch;
import io.switchboard.core.internal.dispatch.TopicRouter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexed routing table offers an event to exactly the routes whose filter accepts it — the same set a brute-force
 * {@code test()} over every filter gives — for indexable ({@code type}/{@code source} equalities) and non-indexable
 * filters alike.
 */
class RoutingPropertyTest {

    private static final List<String> TYPES = List.of("order.created", "order.paid", "user.seen", "t3");
    private static final List<String> SOURCES = List.of("/shop", "/bank", "/crm");
    private static final List<String> SUBJECTS = List.of("k1", "k2");

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> type = Arbitraries.of(TYPES);
        Arbitrary<String> source = Arbitraries.of(SOURCES);
        Arbitrary<String> subject = Arbitraries.of(SUBJECTS);
        return Arbitraries.oneOf(
                type.map(t -> "type = '" + t + "'"),
                source.map(s -> "source = '" + s + "'"),
                Combinators.combine(type, subject).as((t, s) -> "type = '" + t + "' AND subject = '" + s + "'"),
                Combinators.combine(source, type).as((s, t) -> "source = '" + s + "' AND type = '" + t + "'"),
                Combinators.combine(type, type).as((a, b) -> "type = '" + a + "' OR type = '" + b + "'"),
                subject.map(s -> "subject = '" + s + "'"),
                type.map(t -> "'" + t + "' = type AND EXISTS subject"),
                Arbitraries.of("type LIKE 'order.%'", "NOT (type = 'user.seen')", "source <> '/bank'", "TRUE",
                        "type = 'order.created' AND type = 'order.paid'"),
                Arbitraries.just((String) null));
    }

    @Provide
    Arbitrary<CloudEvent> events() {
        return Combinators.combine(Arbitraries.of(TYPES), Arbitraries.of(SOURCES),
                        Arbitraries.of(SUBJECTS).injectNull(0.3))
                .as((t, s, k) -> {
                    CloudEventBuilder b = CloudEventBuilder.v1().withId("x").withType(t).withSource(URI.create(s));
                    return (k == null ? b : b.withSubject(k)).build();
                });
    }

    @Property(tries = 200)
    void index_offers_exactly_the_routes_whose_filter_passes(
            @ForAll @Size(min = 1, max = 40) List<@From("filters") String> filters,
            @ForAll @Size(min = 1, max = 20) List<@From("events") CloudEvent> events) {
        List<String> offered = Collections.synchronizedList(new ArrayList<>());
        List<Route> routes = new ArrayList<>();
        List<InputFilter> compiled = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            String id = "r" + i;
            InputFilter f = Filters.compile(filters.get(i));
            compiled.add(f);
            Subscriber s = Subscriber.builder("s").inline().sink(Sink.handler(e -> { })).build();
            Trigger t = Trigger.builder(id).input("in", null).subscriber(s).build();
            SubscriberDispatch d = SubscriberDispatch.create(t, s, (input, e) -> {
                offered.add(id);
                return null;
            }, NEVER, new SubscriberCounters(), Runnable::run);
            routes.add(new Route(id, "in", f, new SubscriberDispatch[]{d}));
        }
        TopicRouter router = new TopicRouter("default", "app");
        router.table(RoutingTable.of(routes));
        for (CloudEvent event : events) {
            offered.clear();
            router.deliver(event);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < compiled.size(); i++) {
                if (compiled.get(i).test(event)) {
                    expected.add("r" + i);
                }
            }
            assertThat(offered).as("event %s %s %s over %s", event.getType(), event.getSource(), event.getSubject(), filters)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static final DeliveryPipeline NEVER = new DeliveryPipeline() {
        @Override
        public CompletionStage<CloudEvent> deliver(io.switchboard.api.Firing firing) {
            throw new AssertionError("the recording gate never fires");
        }

        @Override
        public CompletionStage<Void> close() {
            return CompletableFuture.completedFuture(null);
        }
    };
}
