/**
 * Routing and dispatch, not exported.
 *
 * <p>Design note. A {@link io.switchboard.core.internal.dispatch.TopicRouter} is the runtime's single consumer of one
 * bus topic; it reads that topic's immutable {@link io.switchboard.core.internal.dispatch.RoutingTable} once per event
 * (filters indexed by their {@code type}/{@code source} equality conjuncts) and offers the event to the candidate
 * routes. Each subscriber's {@link io.switchboard.core.internal.dispatch.SubscriberDispatch} asks the firing gate
 * whether it fires, then delivers inline or through ordered lanes of bounded {@link
 * io.switchboard.core.internal.dispatch.MpscRing}s. A {@code Tracker} (allocated only when work is left behind)
 * completes the bus's stage when every firing of the event is finished (a batching or debouncing subscriber's firing:
 * once it is in the buffer), and fails it when a firing was left unsettled, so the bus redelivers. Writers ({@link
 * io.switchboard.core.internal.dispatch.Dispatcher}) rebuild and swap tables under a lock that readers never take.
 */
package io.switchboard.core.internal.dispatch;
