package io.switchboard.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class QuickstartTest {

    @Test
    void runs_the_scripted_burst_and_exits_cleanly() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        assertThat(status).as(bytes.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Closed: drained everything");
    }
}
