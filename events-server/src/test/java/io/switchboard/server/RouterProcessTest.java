package io.switchboard.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The router as a separate process: fed events over HTTP, delivering them to an HTTP function on 127.0.0.1, stopped
 * with SIGTERM. Each test starts its own router JVM and function and leaves neither behind.
 */
class RouterProcessTest {

    private static final Duration START = Duration.ofSeconds(60);

    /** HTTP ingress → default (in-memory) bus → a trigger with a CESQL filter → the function's URL. */
    private static final String ROUTER = """
            eventSources:
              shop:
                http:
                  ingress:
                    port: 0
            triggers:
              shipping:
                inputs:
                  created:
                    eventSource: shop
                    event: ingress
                    filter: "type = 'shop.order.created'"
                subscribers:
                  - name: ship
                    sink:
                      uri: ${FUNCTION_URL}
            """;

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopEverythingStarted() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void deliversTheEventsPostedToItsHttpSourceThatPassTheFilterToTheFunction() throws Exception {
        LocalFunction function = function();
        RouterProcess router = router(Map.of("FUNCTION_URL", function.uri("/ship").toString()), file(ROUTER),
                "--admin-port", "0");
        URI admin = router.awaitReady(START);
        URI ingress = router.sourceUri("shop.ingress", START);

        for (int i = 0; i < 20; i++) {
            assertThat(post(ingress, "order-" + i, "shop.order.created")).isEqualTo(202);
            assertThat(post(ingress, "cancel-" + i, "shop.order.cancelled")).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> function.received().size() >= 20);
        assertThat(function.received()).allMatch(id -> id.startsWith("order-")).hasSize(20);
        assertThat(get(admin.resolve("/health")).body()).contains("\"status\":\"UP\"");
        HttpResponse<String> metrics = get(admin.resolve("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("switchboard_").contains("subscriber=\"ship\"").contains("jvm_memory");
        assertThat(router.stdout()).contains("shipping", "input created ← shop.ingress where type = 'shop.order.created'",
                "ship: created → POST " + function.uri("/ship"));

        router.terminate();
        assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_OK);
    }

    /**
     * The acceptance test of graceful shutdown: deliveries are held by the function when SIGTERM arrives, events keep
     * being posted through the shutdown, and every event the router answered 202 reaches the function exactly once
     * (the function answers 200 to each, so nothing is retried) before the process exits with status 0.
     */
    @Test
    void onSigtermStopsIngressDeliversEveryAcceptedEventExactlyOnceAndExitsZero() throws Exception {
        LocalFunction function = function();
        function.hold();
        RouterProcess router = router(Map.of("FUNCTION_URL", function.uri("/ship").toString()), file(ROUTER),
                "--admin-port", "0");
        URI admin = router.awaitReady(START);
        URI ingress = router.sourceUri("shop.ingress", START);

        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        Thread poster = new Thread(() -> {
            for (int i = 0; i < 300 && posting.get(); i++) {
                String id = "order-" + i;
                try {
                    if (post(ingress, id, "shop.order.created") == 202) {
                        accepted.add(id);
                    }
                } catch (IOException e) {
                    // refused once ingress stopped: such an event was never accepted
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "poster");
        poster.start();
        cleanup.add(() -> {
            posting.set(false);
            poster.join(10_000);
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> function.waiting() > 0 && accepted.size() >= 50);
        router.terminate();
        // draining: the runtime is closed and the admin endpoint says so, while the function still holds deliveries
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> health = get(admin.resolve("/health"));
            return health.statusCode() == 503 && health.body().contains("\"draining\":true");
        });
        assertThat(function.waiting()).isPositive();
        function.release();

        assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_OK);
        posting.set(false);
        poster.join(10_000);
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(50);
        for (String id : accepted) {
            assertThat(function.timesReceived(id)).as("deliveries of accepted event %s", id).isEqualTo(1);
        }
        assertThat(router.stderr()).as(router.output()).contains("SIGTERM: stopping ingress, then draining")
                .contains("nothing left in flight");
    }

    @Test
    void exitsWithStatusThreeAndSaysWhatWasLeftWhenTheDrainTimeoutPasses() throws Exception {
        LocalFunction function = function();
        function.hold();
        RouterProcess router = router(Map.of("FUNCTION_URL", function.uri("/ship").toString()), file(ROUTER),
                "--admin-port", "0", "--drain-timeout", "1s");
        router.awaitReady(START);
        URI ingress = router.sourceUri("shop.ingress", START);
        for (int i = 0; i < 10; i++) {
            assertThat(post(ingress, "order-" + i, "shop.order.created")).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> function.waiting() > 0);

        router.terminate();

        assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_UNDRAINED);
        assertThat(router.stderr()).contains("stopped before everything was drained", "shipping/ship");
    }

    @Test
    void aSecondSigtermWhileDrainingExitsAtOnceWithStatusThree() throws Exception {
        LocalFunction function = function();
        function.hold();
        RouterProcess router = router(Map.of("FUNCTION_URL", function.uri("/ship").toString()), file(ROUTER),
                "--admin-port", "0", "--drain-timeout", "5m");
        URI admin = router.awaitReady(START);
        URI ingress = router.sourceUri("shop.ingress", START);
        assertThat(post(ingress, "order-1", "shop.order.created")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> function.waiting() > 0);
        router.terminate();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(admin.resolve("/health")).body()
                .contains("\"draining\":true"));

        router.terminate();

        assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_UNDRAINED);
        assertThat(router.stderr()).contains("SIGTERM while draining after SIGTERM: exiting now");
    }

    @Test
    void exitsWithStatusTwoAndEveryProblemOfAnInvalidFileByLineAndColumn() throws Exception {
        Path file = file("""
                eventSources:
                  shop:
                    http:
                      ingress:
                        port: 0
                triggers:
                  shipping:
                    inputs:
                      created:
                        eventSource: shopp
                        event: ingress
                      paid:
                        eventSource: shop
                        event: ingress
                        filter: "type = = 'x'"
                    subscribers:
                      - sink:
                          uri: http://127.0.0.1:1/ship
                """);
        RouterProcess router = router(Map.of(), file, "--admin-port", "0");

        assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_INVALID);
        assertThat(router.stderr()).contains(file + ":10:").contains("shopp").contains(file + ":15:")
                .contains("CESQL");
        assertThat(router.stdout()).doesNotContain("admin");
    }

    @Test
    void exitsWithStatusOneAndTheReasonWhenIngressCannotBindItsPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = file(ROUTER.replace("port: 0", "port: ${INGRESS_PORT}"));
            RouterProcess router = router(Map.of("FUNCTION_URL", "http://127.0.0.1:1/ship",
                    "INGRESS_PORT", String.valueOf(taken.getLocalPort())), file, "--admin-port", "0");

            assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_FAILED);
            assertThat(router.stderr()).contains("shop.ingress", "cannot bind", String.valueOf(taken.getLocalPort()));
            assertThat(router.stdout()).doesNotContain("ready in");
        }
    }

    @Test
    void checkValidatesTheFileAndPrintsWhatItDeclaresWithoutStartingIt() throws Exception {
        RouterProcess router = router(Map.of("FUNCTION_URL", "http://127.0.0.1:1/ship"), file(ROUTER), "--check");

        assertThat(router.awaitExit(Duration.ofSeconds(60))).as(router.output()).isEqualTo(Main.EXIT_OK);
        assertThat(router.stdout()).contains("shop.ingress", "shipping", "POST http://127.0.0.1:1/ship",
                "configuration OK");
        assertThat(router.stdout()).doesNotContain("admin ");
    }

    private LocalFunction function() throws IOException {
        LocalFunction f = new LocalFunction();
        cleanup.add(f);
        return f;
    }

    private RouterProcess router(Map<String, String> env, Path file, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add(file.toString());
        RouterProcess p = RouterProcess.start(env, args.toArray(String[]::new));
        cleanup.add(p);
        return p;
    }

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("router.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** POSTs a CloudEvent in binary mode; returns the status. */
    private int post(URI ingress, String id, String type) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(ingress.resolve("/"))
                .timeout(Duration.ofSeconds(30))
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-type", type)
                .header("ce-source", "/test")
                .header("ce-subject", id)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"order\":\"" + id + "\"}"))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
