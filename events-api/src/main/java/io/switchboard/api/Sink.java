package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * Where a subscriber's firings go: a handler lambda, a bus topic (re-publish), or a function's URL (an HTTP sink).
 * Create one with the static factories; instances are immutable and thread-safe.
 */
public sealed interface Sink permits Sink.Invoke, Sink.Topic, Sink.Http {

    /** A handler for one event at a time (the completing event of each firing). */
    static Sink handler(EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Invoke(firing -> {
            handler.handle(firing.event());
            return CompletableFuture.completedFuture(null);
        }, false, handler);
    }

    /** A handler that completes asynchronously. */
    static Sink async(AsyncEventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Invoke(firing -> handler.handle(firing.event()).thenApply(v -> null), false);
    }

    /** A handler that receives the whole firing: all contributing events by input name, or a batch. */
    static Sink firing(FiringHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Invoke(firing -> {
            handler.handle(firing);
            return CompletableFuture.completedFuture(null);
        }, false);
    }

    /** A handler whose returned event is the reply to a request (see {@code Switchboard.request}). */
    static Sink replying(ReplyHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Invoke(firing -> CompletableFuture.completedFuture(handler.handle(firing.event())), true);
    }

    /** Re-publishes each firing's event to a topic of the default bus. */
    static Sink topic(String topic) {
        return new Topic(null, topic, UnaryOperator.identity());
    }

    /**
     * Re-publishes each firing's event, transformed, to a topic of the named bus ({@code null}: the trigger's bus).
     */
    static Sink topic(String bus, String topic, UnaryOperator<CloudEvent> transform) {
        return new Topic(bus, topic, transform);
    }

    /**
     * Delivers each firing as a CloudEvent over HTTP to {@code uri} (binary content mode, default timeout); see
     * {@link HttpTarget} for the outcome of each response.
     */
    static Sink http(URI uri) {
        return new Http(HttpTarget.builder(uri).build());
    }

    /** Delivers each firing as a CloudEvent over HTTP, as {@code target} describes. */
    static Sink http(HttpTarget target) {
        return new Http(target);
    }

    /**
     * The general form of a handler sink.
     *
     * @param invoker      runs one attempt; the stage's value is the reply ({@code null} for none)
     * @param replies      whether this sink answers requests
     * @param eventHandler for a sink made by {@link #handler(EventHandler)}: the handler itself, which the runtime may
     *                     call directly with the event (same effect as {@code invoker}, without building a
     *                     {@link Firing}); {@code null} otherwise
     */
    record Invoke(Invoker invoker, boolean replies, EventHandler eventHandler) implements Sink {
        public Invoke {
            Objects.requireNonNull(invoker, "invoker");
        }

        /** A handler sink reached only through {@code invoker}. */
        public Invoke(Invoker invoker, boolean replies) {
            this(invoker, replies, null);
        }
    }

    /**
     * A re-publishing sink.
     *
     * @param bus       the bus name, or {@code null} for the trigger's bus
     * @param topic     the topic to publish to
     * @param transform applied to the event before publishing
     */
    record Topic(String bus, String topic, UnaryOperator<CloudEvent> transform) implements Sink {
        public Topic {
            Objects.requireNonNull(topic, "topic");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("sink topic must not be blank");
            }
            Objects.requireNonNull(transform, "transform");
        }
    }

    /**
     * An HTTP sink: the runtime sends each firing to {@link HttpTarget#uri()}.
     *
     * @param target where and how to send
     */
    record Http(HttpTarget target) implements Sink {
        public Http {
            Objects.requireNonNull(target, "target");
        }
    }

    /** Runs one attempt of a firing. */
    @FunctionalInterface
    interface Invoker {
        /** @return a stage completing with the reply ({@code null} for none), or exceptionally on failure */
        CompletionStage<CloudEvent> invoke(Firing firing) throws Exception;
    }
}
