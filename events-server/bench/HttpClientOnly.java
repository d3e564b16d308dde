import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling of the router's HTTP sink on this machine: the JDK HttpClient alone (HTTP/1.1, asynchronous, as the
 * sink sends) POSTing the same CloudEvent in binary mode to the function, with a fixed number of requests in flight.
 * Run it straight from source:
 *
 *   java events-server/bench/HttpClientOnly.java http://127.0.0.1:19100/ 32 20
 */
public final class HttpClientOnly {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:19100/");
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();
        Semaphore permits = new Semaphore(inFlight);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long id = 0;
        while (System.nanoTime() < end) {
            permits.acquire();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("ce-specversion", "1.0").header("ce-id", "client-" + id++)
                    .header("ce-type", "bench.order.created").header("ce-source", "/bench/client")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"order\":\"2001\",\"amount\":42}")).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() / 100 == 2) {
                    ok.increment();
                } else {
                    failed.increment();
                }
                permits.release();
            });
        }
        permits.acquire(inFlight);
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf("requests %d, duration %.1f s, %.0f req/s, failed %d%n", ok.sum(), took, ok.sum() / took,
                failed.sum());
        System.exit(0);
    }
}
