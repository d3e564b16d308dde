package io.switchboard.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The example the README runs stays valid: HTTP ingress → memory bus → filtered trigger → HTTP sink, dead letter. */
class ExampleFileTest {

    @Test
    void theExampleRouterFilePassesCheckAndDeclaresIngressAFilterAnHttpSinkAndADeadLetter() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Router.run(List.of("--check", "examples/router.yaml"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Main.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                "shop.orders  http    host=127.0.0.1, port=8080",
                "default  memory  capacity=10000",
                "input created ← shop.orders where type = 'shop.order.created' AND EXISTS subject",
                "ship: created → POST http://127.0.0.1:9000/ship (binary), dead letter → handler log",
                "configuration OK");
    }
}
