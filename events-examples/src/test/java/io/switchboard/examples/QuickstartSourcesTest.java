package io.switchboard.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class QuickstartSourcesTest {

    @Test
    void the_quick_start_serves_a_webhook_and_a_function_over_http() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(status).as(output).isZero();
        assertThat(output).contains("/apis/events -> 202")
                .contains("/function/greet -> 200 \"hello Ada\" (ce-type shop.greeting)")
                .contains("[webhooks]     shop.order.created via HTTP: {\"order\":\"2001\"}");
    }
}
