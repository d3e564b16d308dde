package io.switchboard.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class QuickstartTest {

    @Test
    void runs_the_scripted_burst_and_exits_cleanly() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        assertThat(status).as(bytes.toString(StandardCharsets.UTF_8)).isZero();
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("Closed: drained everything");
        // the banner names every trigger of the configuration and counts them
        assertThat(output).contains(Quickstart.banner(List.of("ticks", "webhooks", "greet", "new-orders",
                "big-payments", "vip-activity"), 10));
    }
}
