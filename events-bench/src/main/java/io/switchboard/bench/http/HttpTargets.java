package io.switchboard.bench.http;

import com.sun.net.httpserver.HttpServer;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.http.HttpSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The servers that the HTTP figures of {@code docs/benchmarks.md} load with {@code wrk} from a separate process: a
 * Switchboard with an {@link HttpSource} (async ingress at {@code POST /apis/events}, synchronous invocation of the
 * replying trigger {@code greet} at {@code POST /function/greet}), and a bare JDK {@code HttpServer} that reads the
 * body and answers 202, the baseline of the ingress.
 *
 * <p>Run: {@code java -cp events-bench/target/benchmarks.jar io.switchboard.bench.http.HttpTargets [switchboardPort]
 * [barePort]} (defaults 18080 and 18081); it prints the URLs and runs until stopped. Both servers run in this JVM
 * with the same kind of executor (a fixed pool as large as the source's default on Java 17), so that they meet
 * the same JIT and the same machine.
 */
public final class HttpTargets {

    private HttpTargets() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int switchboardPort = args.length > 0 ? Integer.parseInt(args[0]) : 18080;
        int barePort = args.length > 1 ? Integer.parseInt(args[1]) : 18081;
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

        ExecutorService sourcePool = Executors.newFixedThreadPool(threads);
        HttpSource http = HttpSource.builder("bench-http").port(switchboardPort).executor(sourcePool).build();
        Switchboard switchboard = Switchboard.builder()
                .source(http)
                .trigger(Trigger.builder("ingress")
                        .input("posted", "bench-http", "type = 'bench.ping'")
                        .subscriber("count", null, Sink.handler(e -> { }))
                        .build())
                .trigger(Trigger.builder("greet")
                        .input("call", "bench-http", "type = 'io.switchboard.http.invocation'")
                        .subscriber("hello", null, Sink.replying(e -> CloudEventBuilder.v1()
                                .withId("greeting-" + e.getId())
                                .withSource(URI.create("/greeter"))
                                .withType("bench.greeting")
                                .withData("text/plain", ("hello " + (e.getData() == null ? "stranger"
                                        : new String(e.getData().toBytes(), StandardCharsets.UTF_8)))
                                        .getBytes(StandardCharsets.UTF_8))
                                .build()))
                        .build())
                .build()
                .start();

        ExecutorService barePool = Executors.newFixedThreadPool(threads);
        HttpServer bare = HttpServer.create(new InetSocketAddress("127.0.0.1", barePort), 0);
        bare.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        bare.setExecutor(barePool);
        bare.start();

        System.out.println("switchboard: " + http.baseUri() + "/function/greet and " + http.baseUri() + "/apis/events");
        System.out.println("bare JDK HttpServer (202): http://127.0.0.1:" + barePort + "/");
        System.out.println("sun.net.httpserver.nodelay=" + System.getProperty("sun.net.httpserver.nodelay"));

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "http-targets-stop"));
        stop.await();
        bare.stop(0);
        switchboard.shutdown();
        barePool.shutdown();
        sourcePool.shutdown();
    }
}
