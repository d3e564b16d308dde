package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where a subscriber's firings go: a handler lambda, a bus topic (re-publish), or a function's URL (an HTTP sink).
 * Create one with the static factories; instances are immutable and thread-safe.
 */
public sealed interface Sink permits Sink.Invoke, Sink.Topic, Sink.Http, Sink.Typed {

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

    /**
     * A handler for one event at a time that receives the data mapped to {@code type} by the runtime's
     * {@link DataCodec} (Jackson, with the application's {@code ObjectMapper} when it gives one). Data that cannot be
     * mapped is a non-retryable failure ({@link InvalidDataException}): the firing goes to the dead letter.
     */
    static <T> Sink handler(Class<T> type, TypedEventHandler<T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        return new Typed(type, false, codec -> firing -> {
            CloudEvent event = firing.event();
            handler.handle(event, codec.read(event, type));
            return CompletableFuture.completedFuture(null);
        });
    }

    /** A firing handler that also receives the data of the firing's batch mapped to {@code type}, in order. */
    static <T> Sink firing(Class<T> type, TypedFiringHandler<T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        return new Typed(type, false, codec -> firing -> {
            List<T> data = new ArrayList<>(firing.batch().size());
            for (CloudEvent event : firing.batch()) {
                data.add(codec.read(event, type));
            }
            handler.handle(firing, java.util.Collections.unmodifiableList(data));
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * A replying handler on mapped data: the object it returns becomes the JSON data of a reply event of type
     * {@code replyType} (source and subject of the request); a returned {@link CloudEvent} is sent as it is.
     */
    static <T> Sink replying(Class<T> type, String replyType, TypedReplyHandler<T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(replyType, "replyType");
        Objects.requireNonNull(handler, "handler");
        if (replyType.isBlank()) {
            throw new IllegalArgumentException("replyType must not be blank: it is the type of the reply events");
        }
        return new Typed(type, true, codec -> firing -> {
            CloudEvent event = firing.event();
            Object reply = handler.handle(event, codec.read(event, type));
            return CompletableFuture.completedFuture(codec.reply(event, replyType, reply));
        });
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

    /**
     * A handler sink on mapped data; the runtime binds it to its {@link DataCodec} when the trigger is assembled,
     * making it an {@link Invoke}.
     *
     * @param type    the data type handlers receive
     * @param replies whether this sink answers requests
     * @param binder  makes the invoker from the runtime's codec
     */
    record Typed(Class<?> type, boolean replies, Function<DataCodec, Invoker> binder) implements Sink {
        public Typed {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(binder, "binder");
        }

        /** The invoking sink this one is with {@code codec}. */
        public Invoke bind(DataCodec codec) {
            return new Invoke(Objects.requireNonNull(binder.apply(codec), "binder returned no invoker"), replies);
        }
    }

    /** Runs one attempt of a firing. */
    @FunctionalInterface
    interface Invoker {
        /** @return a stage completing with the reply ({@code null} for none), or exceptionally on failure */
        CompletionStage<CloudEvent> invoke(Firing firing) throws Exception;
    }
}
