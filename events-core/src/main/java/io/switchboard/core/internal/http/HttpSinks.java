package io.switchboard.core.internal.http;

import io.cloudevents.CloudEvent;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.dispatch.DefaultExecutors;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP sinks of one runtime: turns {@link Sink.Http} sinks (and dead-letter sinks) into handler sinks
 * ({@link Sink.Invoke}) before anything else sees the subscriber, so observers (logging context, metrics, tracing)
 * wrap an HTTP sink like any handler, and the delivery pipeline retries and dead-letters it the same way.
 *
 * <p>All HTTP sinks of the runtime share one {@link HttpClient}, created with the first of them: its connection pool
 * keeps connections to each function alive between requests. The client runs on an executor of its own, so a user's
 * executor (which may run tasks on the caller's thread) never carries the client's internal work.
 * {@link #close(long)} releases both once the runtime has drained. Thread-safe.
 */
public final class HttpSinks {

    /** {@code HttpClient.shutdownNow()} of Java 21+, or {@code null} on Java 17. */
    private static final MethodHandle SHUTDOWN_NOW = findShutdownNow();

    private final String name;
    private final Scheduler scheduler;
    private HttpClient client;
    private ExecutorService executor;
    private boolean closed;

    /**
     * @param name      names the client's threads ({@code name-http-N})
     * @param scheduler the runtime's time, which bounds each exchange by its target's timeout
     */
    public HttpSinks(String name, Scheduler scheduler) {
        this.name = name;
        this.scheduler = scheduler;
    }

    /** Publishes a reply event to a topic of the trigger's bus ({@link HttpTarget#replyTopic()}). */
    @FunctionalInterface
    public interface ReplyPublisher {
        CompletionStage<Void> publish(String topic, CloudEvent reply);
    }

    /**
     * {@code subscriber} with its HTTP sink and HTTP dead-letter sink turned into handler sinks that answer requests;
     * {@code subscriber} itself when it has neither.
     *
     * @param replies publishes replies for targets with a {@link HttpTarget#replyTopic()}
     */
    public Subscriber resolve(Trigger trigger, Subscriber subscriber, ReplyPublisher replies) {
        boolean sink = subscriber.sink() instanceof Sink.Http;
        boolean deadLetter = subscriber.deadLetter() instanceof Sink.Http;
        if (!sink && !deadLetter) {
            return subscriber;
        }
        String owner = "subscriber '" + subscriber.name() + "' of trigger '" + trigger.name() + "'";
        List<String> inputs = List.copyOf(trigger.inputs().keySet());
        Subscriber.Builder b = subscriber.toBuilder();
        if (sink) {
            b.sink(invoke(((Sink.Http) subscriber.sink()).target(), owner, inputs, replies));
        }
        if (deadLetter) {
            b.deadLetter(invoke(((Sink.Http) subscriber.deadLetter()).target(), "dead-letter sink of " + owner, inputs,
                    replies));
        }
        return b.build();
    }

    private Sink.Invoke invoke(HttpTarget target, String owner, List<String> inputs, ReplyPublisher replies) {
        return new Sink.Invoke(new HttpInvoker(client(), target, owner, inputs, replies, scheduler), true);
    }

    private synchronized HttpClient client() {
        if (closed) {
            throw new IllegalStateException("the runtime is closed: its HTTP sinks can no longer be created");
        }
        if (client == null) {
            executor = DefaultExecutors.create(name + "-http");
            client = HttpClient.newBuilder()
                    .executor(executor)
                    // https:// negotiates HTTP/2 through ALPN when the function offers it; http:// requests ask for
                    // HTTP/1.1 themselves (see HttpInvoker)
                    .version(HttpClient.Version.HTTP_2)
                    // a redirect is the function's answer, reported as a non-retryable failure, not silently followed
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return client;
    }

    /** Whether an HTTP sink created the shared client (and its threads). */
    public synchronized boolean started() {
        return client != null;
    }

    /**
     * Releases the client and its threads; call once the runtime's subscribers have drained. Requests still running
     * at {@code deadlineNanos} ({@link System#nanoTime()}) are abandoned. On Java 21+ the client's connections and
     * selector thread are closed at once; on Java 17 the selector thread ends when the client is collected.
     */
    public void close(long deadlineNanos) {
        HttpClient c;
        ExecutorService e;
        synchronized (this) {
            closed = true;
            c = client;
            e = executor;
            client = null;
            executor = null;
        }
        if (c == null) {
            return;
        }
        if (SHUTDOWN_NOW != null) {
            try {
                SHUTDOWN_NOW.invoke(c);
            } catch (Throwable ignored) {
                // the executor below still stops; the selector thread then ends with the client
            }
        }
        e.shutdown();
        try {
            if (!e.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                e.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            e.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static MethodHandle findShutdownNow() {
        try {
            return MethodHandles.publicLookup().findVirtual(HttpClient.class, "shutdownNow",
                    MethodType.methodType(void.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
