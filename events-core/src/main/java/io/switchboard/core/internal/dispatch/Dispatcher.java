package io.switchboard.core.internal.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The set of live triggers and the per-topic routers built from them. Writers (install, remove) are serialised by a
 * lock and rebuild the tables of the topics they touch; readers (event dispatch) never lock.
 */
public final class Dispatcher {

    private final Object writeLock = new Object();
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private final ConcurrentHashMap<BusTopic, TopicRouter> routers = new ConcurrentHashMap<>();
    private final Consumer<TopicRouter> onNewRouter;

    /** @param onNewRouter called (under the write lock) for each router created, e.g. to subscribe it to its bus */
    public Dispatcher(Consumer<TopicRouter> onNewRouter) {
        this.onNewRouter = Objects.requireNonNull(onNewRouter, "onNewRouter");
    }

    /**
     * Installs a trigger's routes, replacing the registration of the same name if there is one.
     *
     * @return the replaced registration, or {@code null}
     */
    public Registration install(Registration registration) {
        synchronized (writeLock) {
            Registration previous = registrations.put(registration.trigger(), registration);
            rebuild(previous, registration);
            return previous;
        }
    }

    /** Installs many triggers with one rebuild per topic (startup). */
    public void installAll(Collection<Registration> all) {
        synchronized (writeLock) {
            List<BusTopic> touched = new ArrayList<>();
            for (Registration r : all) {
                if (registrations.putIfAbsent(r.trigger(), r) != null) {
                    throw new IllegalStateException("trigger '" + r.trigger() + "' is already installed");
                }
                touched.addAll(r.routes().keySet());
            }
            rebuildTopics(touched);
        }
    }

    /** Removes a trigger's routes; returns its registration or {@code null} if there was none. */
    public Registration remove(String trigger) {
        synchronized (writeLock) {
            Registration previous = registrations.remove(trigger);
            if (previous != null) {
                rebuild(previous, null);
            }
            return previous;
        }
    }

    public Registration registration(String trigger) {
        synchronized (writeLock) {
            return registrations.get(trigger);
        }
    }

    /** A snapshot of the live registrations, in installation order. */
    public List<Registration> registrations() {
        synchronized (writeLock) {
            return List.copyOf(registrations.values());
        }
    }

    /** The router of a topic on a bus, or {@code null} if no trigger ever read it. */
    public TopicRouter router(String bus, String topic) {
        return routers.get(new BusTopic(bus, topic));
    }

    /** Every router created so far. */
    public Collection<TopicRouter> routers() {
        return List.copyOf(routers.values());
    }

    private void rebuild(Registration before, Registration after) {
        List<BusTopic> touched = new ArrayList<>();
        if (before != null) {
            touched.addAll(before.routes().keySet());
        }
        if (after != null) {
            touched.addAll(after.routes().keySet());
        }
        rebuildTopics(touched);
    }

    private void rebuildTopics(List<BusTopic> touched) {
        for (BusTopic bt : new java.util.LinkedHashSet<>(touched)) {
            List<Route> routes = new ArrayList<>();
            for (Registration r : registrations.values()) {
                List<Route> mine = r.routes().get(bt);
                if (mine != null) {
                    routes.addAll(mine);
                }
            }
            TopicRouter router = routers.get(bt);
            boolean created = false;
            if (router == null) {
                router = new TopicRouter(bt.bus(), bt.topic());
                routers.put(bt, router);
                created = true;
            }
            router.table(RoutingTable.of(routes));
            if (created) {
                onNewRouter.accept(router);
            }
        }
    }

    /** A topic on a named bus. */
    public record BusTopic(String bus, String topic) {
    }

    /**
     * A trigger's dispatch parts.
     *
     * @param trigger     the trigger's name
     * @param routes      its routes by bus and topic
     * @param subscribers its subscribers' dispatches
     */
    public record Registration(String trigger, Map<BusTopic, List<Route>> routes, List<SubscriberDispatch> subscribers) {
        public Registration {
            routes = Map.copyOf(routes);
            subscribers = List.copyOf(subscribers);
        }
    }
}
