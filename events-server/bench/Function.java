import com.sun.net.httpserver.HttpServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP function of the router benchmark: a JDK HttpServer on 127.0.0.1 that reads the body and answers 200 to
 * every POST, and reports how many it answered on GET /count. Run it straight from source (JDK 11+):
 *
 *   java events-server/bench/Function.java 9100
 */
public final class Function {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9100;
        LongAdder answered = new LongAdder();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
                if (exchange.getRequestMethod().equals("GET")) {
                    byte[] body = (answered.sum() + "\n").getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                answered.increment();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        System.out.println("function listening on http://127.0.0.1:" + port + " (GET /count)");
    }
}
