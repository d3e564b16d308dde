package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The immutable routing table of one topic. Routes whose filter has a top-level {@code type = '…'} conjunct sit in
 * a hash index by that type; others with a {@code source = '…'} conjunct in an index by source; the rest in a plain
 * list. An event meets only the routes of its own type and source plus the unindexed ones, and each route's full
 * filter is evaluated for those candidates only — so the cost per event follows the number of plausible routes,
 * not the number of triggers. Each route sits in exactly one place, so an event meets a route at most once.
 *
 * <p>Built once, never changed: readers need no lock.
 */
public final class RoutingTable {

    private static final Route[] NONE = new Route[0];

    /** The table with no routes. */
    public static final RoutingTable EMPTY = new RoutingTable(List.of());

    private final Map<String, Route[]> byType;
    private final Map<String, Route[]> bySource;
    private final Route[] unindexed;
    private final int size;
    /**
     * When every route sits in the type index under one type (the common single-trigger case): that type, so that
     * dispatch compares it with the event's type instead of looking it up; otherwise {@code null}.
     */
    private final String onlyType;
    private final Route[] onlyTypeRoutes;
    /** Whether a route leads to a subscriber with a {@link CorrelationHop} (see {@link TopicRouter}). */
    private final boolean rekeys;

    private RoutingTable(Collection<Route> routes) {
        Map<String, List<Route>> types = new LinkedHashMap<>();
        Map<String, List<Route>> sources = new LinkedHashMap<>();
        List<Route> rest = new ArrayList<>();
        for (Route route : routes) {
            InputFilter f = route.filter();
            if (f.typeKey() != null) {
                // interned: an event whose type is a string constant then compares equal by reference
                types.computeIfAbsent(f.typeKey().intern(), k -> new ArrayList<>()).add(route);
            } else if (f.sourceKey() != null) {
                sources.computeIfAbsent(f.sourceKey(), k -> new ArrayList<>()).add(route);
            } else {
                rest.add(route);
            }
        }
        this.byType = freeze(types);
        this.bySource = freeze(sources);
        this.unindexed = rest.toArray(NONE);
        this.size = routes.size();
        boolean hops = false;
        for (Route route : routes) {
            for (SubscriberDispatch s : route.subscribers()) {
                hops |= s.hop() != null;
            }
        }
        this.rekeys = hops;
        if (types.size() == 1 && sources.isEmpty() && rest.isEmpty()) {
            this.onlyType = types.keySet().iterator().next();
            this.onlyTypeRoutes = byType.get(onlyType);
        } else {
            this.onlyType = null;
            this.onlyTypeRoutes = null;
        }
    }

    /** A table of {@code routes}. */
    public static RoutingTable of(Collection<Route> routes) {
        return routes.isEmpty() ? EMPTY : new RoutingTable(routes);
    }

    /** Number of routes. */
    public int size() {
        return size;
    }

    /** Whether some route leads to a subscriber re-publishing to its correlation topic ({@link CorrelationHop}). */
    boolean rekeys() {
        return rekeys;
    }

    /** Routes the event through every candidate route; returns the tracker of asynchronous work, if any. */
    Tracker dispatch(CloudEvent event, Tracker tracker) {
        String only = onlyType;
        if (only != null) {
            return only.equals(event.getType()) ? offerAll(onlyTypeRoutes, event, tracker) : tracker;
        }
        if (!byType.isEmpty()) {
            Route[] routes = byType.get(event.getType());
            if (routes != null) {
                tracker = offerAll(routes, event, tracker);
            }
        }
        if (!bySource.isEmpty()) {
            Route[] routes = bySource.get(event.getSource().toString());
            if (routes != null) {
                tracker = offerAll(routes, event, tracker);
            }
        }
        Route[] rest = unindexed;
        if (rest.length != 0) {
            tracker = offerAll(rest, event, tracker);
        }
        return tracker;
    }

    private static Tracker offerAll(Route[] routes, CloudEvent event, Tracker tracker) {
        for (int i = 0; i < routes.length; i++) {
            tracker = routes[i].offer(event, tracker);
        }
        return tracker;
    }

    /**
     * Collects the routes whose filter passes {@code event} and that lead to a replying subscriber (of
     * {@code trigger} only, when it is not {@code null}), without offering anything.
     */
    public void collectRepliers(CloudEvent event, String trigger, List<Match> out) {
        collect(byType.get(event.getType()), event, trigger, out);
        collect(bySource.get(event.getSource().toString()), event, trigger, out);
        collect(unindexed, event, trigger, out);
    }

    private static void collect(Route[] routes, CloudEvent event, String trigger, List<Match> out) {
        if (routes == null) {
            return;
        }
        for (Route route : routes) {
            if (trigger != null && !trigger.equals(route.trigger())) {
                continue;
            }
            boolean replying = false;
            for (SubscriberDispatch s : route.subscribers()) {
                replying |= s.replies();
            }
            if (!replying || !route.filter().test(event)) {
                continue;
            }
            for (SubscriberDispatch s : route.subscribers()) {
                if (s.replies()) {
                    out.add(new Match(route.input(), s, route.dataCheck()));
                }
            }
        }
    }

    /**
     * A replying subscriber reached through input {@code input}, whose schema check ({@code null}: none) the request
     * must pass before the subscriber sees it.
     */
    public record Match(String input, SubscriberDispatch subscriber, Route.DataCheck dataCheck) {
    }

    /**
     * The routes an event would be offered to, by brute force: every route whose full filter passes. For tests that
     * compare the index with the filters.
     */
    List<Route> matchingRoutes(CloudEvent event) {
        List<Route> out = new ArrayList<>();
        Route[] t = byType.get(event.getType());
        Route[] s = bySource.get(event.getSource().toString());
        for (Route[] routes : Arrays.asList(t, s, unindexed)) {
            if (routes != null) {
                for (Route r : routes) {
                    if (r.filter().test(event)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Route[]> freeze(Map<String, List<Route>> grouped) {
        Map<String, Route[]> frozen = new HashMap<>(Math.max(4, grouped.size() * 2));
        grouped.forEach((k, v) -> frozen.put(k, v.toArray(NONE)));
        return frozen;
    }
}
