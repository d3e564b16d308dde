package io.switchboard.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerOptionsTest {

    @Test
    void runsTheFileWithTheAdminEndpointOnLoopbackByDefault() throws Exception {
        ServerOptions o = run("switchboard.yaml");

        assertThat(o.configuration()).isEqualTo(Path.of("switchboard.yaml"));
        assertThat(o.adminHost()).isEqualTo("127.0.0.1");
        assertThat(o.adminPort()).isEqualTo(ServerOptions.DEFAULT_ADMIN_PORT);
        assertThat(o.checkOnly()).isFalse();
        assertThat(o.drainTimeout()).isEqualTo(ServerOptions.DEFAULT_DRAIN_TIMEOUT);
    }

    @Test
    void readsEachFlagWithItsValueSeparateOrAfterAnEqualsSign() throws Exception {
        ServerOptions o = run("--admin-port", "0", "--admin-host=127.0.0.2", "--drain-timeout", "45s", "--check",
                "router.yaml");

        assertThat(o.adminPort()).isZero();
        assertThat(o.adminHost()).isEqualTo("127.0.0.2");
        assertThat(o.drainTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.checkOnly()).isTrue();
        assertThat(o.configuration()).isEqualTo(Path.of("router.yaml"));
    }

    @Test
    void acceptsDrainTimeoutsInMillisecondsMinutesAndIso8601() throws Exception {
        assertThat(ServerOptions.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ServerOptions.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ServerOptions.duration("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ServerOptions.duration("0s")).isZero();
    }

    @Test
    void refusesWhatItCannotRunSayingWhatToWriteInstead() {
        assertThatThrownBy(() -> ServerOptions.parse(List.of())).hasMessageContaining("no configuration file given");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("a.yaml", "b.yaml")))
                .hasMessageContaining("one configuration file per router");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--admin-port", "70000", "a.yaml")))
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("a.yaml", "--admin-port")))
                .hasMessageContaining("--admin-port needs a value");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--drain-timeout", "soon", "a.yaml")))
                .hasMessageContaining("such as 30s");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--port", "1", "a.yaml")))
                .hasMessageContaining("unknown option '--port'");
    }

    @Test
    void helpAndVersionWinOverEverythingElse() throws Exception {
        assertThat(ServerOptions.parse(List.of("a.yaml", "--help"))).isInstanceOf(ServerOptions.Help.class);
        assertThat(ServerOptions.parse(List.of("--version"))).isInstanceOf(ServerOptions.Version.class);
    }

    @Test
    void aBadCommandLineExitsWithStatusTwoAndSaysWhy() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Router.run(List.of("--admin-port", "x", "a.yaml"), print(out), print(err));

        assertThat(status).isEqualTo(Main.EXIT_INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--admin-port must be a port number")
                .contains("--help");
        assertThat(out.size()).isZero();
    }

    @Test
    void anUnreadableFileExitsWithStatusTwoAndNamesIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Router.run(List.of("/nonexistent/switchboard.yaml"), print(new ByteArrayOutputStream()),
                print(err));

        assertThat(status).isEqualTo(Main.EXIT_INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nonexistent/switchboard.yaml");
    }

    private static ServerOptions run(String... args) throws ServerOptions.UsageException {
        ServerOptions.Parsed parsed = ServerOptions.parse(List.of(args));
        assertThat(parsed).isInstanceOf(ServerOptions.Run.class);
        return ((ServerOptions.Run) parsed).options();
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
