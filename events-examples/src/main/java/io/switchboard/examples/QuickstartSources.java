package io.switchboard.examples;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.cron.CronSource;
import io.switchboard.core.source.http.HttpSource;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The quick start's event sources: a cron schedule and an HTTP endpoint, each with a trigger.
 *
 * <ul>
 *   <li>{@code ticker} — a cron source ({@code @every 5s}); trigger {@code ticks} prints each tick.</li>
 *   <li>{@code shop-http} — HTTP ingress on 127.0.0.1 (port 8080 with {@code --keep-running}, a free port otherwise);
 *       trigger {@code webhooks} prints what is POSTed to {@code /apis/events}, trigger {@code greet} answers
 *       {@code POST /function/greet}.</li>
 * </ul>
 *
 * <pre>
 * curl -s -X POST http://127.0.0.1:8080/function/greet -d 'Ada'
 * curl -i -X POST http://127.0.0.1:8080/apis/events -H 'X-Event-Type: shop.order.created' -d '{"order":"2001"}'
 * </pre>
 */
final class QuickstartSources {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final PrintStream out;
    private final boolean keepRunning;
    private final HttpSource http;

    QuickstartSources(PrintStream out, boolean keepRunning) {
        this.out = out;
        this.keepRunning = keepRunning;
        this.http = HttpSource.builder("shop-http").port(keepRunning ? 8080 : 0).requestTimeout(TIMEOUT).build();
    }

    /** Adds the two sources and their three triggers to {@code builder}. */
    Switchboard.Builder addTo(Switchboard.Builder builder) {
        return builder
                .source(CronSource.builder("ticker").cron("@every 5s").build())
                .trigger(Trigger.builder("ticks")
                        .input("tick", "ticker", "type = 'io.switchboard.cron.tick'")
                        .subscriber("print", null, Sink.handler(e -> out.printf("  [ticks]        cron tick %s%n", e.getId())))
                        .build())
                .source(http)
                .trigger(Trigger.builder("webhooks")
                        .input("posted", "shop-http", "type LIKE 'shop.%'")
                        .subscriber("print", null, Sink.handler(e -> out.printf("  [webhooks]     %s via HTTP: %s%n",
                                e.getType(), e.getData() == null ? "" : new String(e.getData().toBytes(), StandardCharsets.UTF_8))))
                        .build())
                .trigger(Trigger.builder("greet")
                        .input("call", "shop-http", "type = 'io.switchboard.http.invocation'")
                        .subscriber("hello", null, Sink.replying(e -> CloudEventBuilder.v1()
                                .withId("greeting-" + e.getId())
                                .withSource(URI.create("/greeter"))
                                .withType("shop.greeting")
                                .withData("text/plain", ("hello " + (e.getData() == null ? "stranger"
                                        : new String(e.getData().toBytes(), StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8))
                                .build()))
                        .build());
    }

    /** POSTs a webhook and calls the function over HTTP, printing the answers; then prints the curl lines. */
    void demo() throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        URI base = http.baseUri();
        try {
            HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(base.resolve("/apis/events")).timeout(TIMEOUT)
                    .header("X-Event-Type", "shop.order.created").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"order\":\"2001\"}")).build(), HttpResponse.BodyHandlers.ofString());
            out.printf("POST %s/apis/events -> %d%n", base, accepted.statusCode());
            HttpResponse<String> reply = client.send(HttpRequest.newBuilder(base.resolve("/function/greet")).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("Ada")).build(), HttpResponse.BodyHandlers.ofString());
            out.printf("POST %s/function/greet -> %d \"%s\" (ce-type %s)%n", base, reply.statusCode(), reply.body(),
                    reply.headers().firstValue("ce-type").orElse("-"));
        } catch (java.io.IOException e) {
            out.println("HTTP demo failed: " + e);
        }
        out.println(keepRunning ? "Try: curl -s -X POST " + base + "/function/greet -d 'Ada'"
                : "With --keep-running, try: curl -s -X POST http://127.0.0.1:8080/function/greet -d 'Ada'");
    }
}
