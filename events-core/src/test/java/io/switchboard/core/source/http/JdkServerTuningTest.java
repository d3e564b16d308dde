package io.switchboard.core.source.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK 17 {@code HttpServer} writes a response's headers and body in two writes; without {@code TCP_NODELAY} on
 * its sockets the body waits for the client's delayed acknowledgement (~40 ms per response on a keep-alive
 * connection). These tests pin what the library guarantees deterministically: the server's switch for
 * {@code TCP_NODELAY} is on before the library creates a server, unless the application chose otherwise. The effect
 * itself is measured with wrk in {@code docs/benchmarks.md} (section HTTP), not timed here.
 */
class JdkServerTuningTest {

    @Test
    void loadingHttpSourceTurnsTheJdkServersNoDelaySwitchOn() {
        HttpSource.builder("nodelay-check"); // loads the class, as any application does before its server starts

        // the build passes no -Dsun.net.httpserver.nodelay, so it is the library that set it
        assertThat(System.getProperty(JdkServerTuning.NODELAY)).isEqualTo("true");
    }

    @Test
    void anApplicationsOwnChoiceIsKept() {
        String before = System.getProperty(JdkServerTuning.NODELAY);
        try {
            System.setProperty(JdkServerTuning.NODELAY, "false");
            assertThat(JdkServerTuning.preferNoDelay()).isEqualTo("false");
            assertThat(System.getProperty(JdkServerTuning.NODELAY)).isEqualTo("false");

            System.clearProperty(JdkServerTuning.NODELAY);
            assertThat(JdkServerTuning.preferNoDelay()).isEqualTo("true");
            assertThat(System.getProperty(JdkServerTuning.NODELAY)).isEqualTo("true");
        } finally {
            if (before == null) {
                System.clearProperty(JdkServerTuning.NODELAY);
            } else {
                System.setProperty(JdkServerTuning.NODELAY, before);
            }
        }
    }
}
