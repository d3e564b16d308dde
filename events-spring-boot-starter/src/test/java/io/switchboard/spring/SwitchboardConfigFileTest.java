package io.switchboard.spring;

import io.switchboard.api.EventHandler;
import io.switchboard.core.Switchboard;
import io.switchboard.test.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SwitchboardConfigFileTest {

    private final List<String> audited = new CopyOnWriteArrayList<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
            .withBean("audit", EventHandler.class, () -> event -> audited.add(event.getType()));

    @Test
    void aConfigFileOnTheClassPathIsLoadedWithItsPlaceholdersFromTheSpringEnvironment() {
        runner.withPropertyValues("switchboard.config-file=classpath:/io/switchboard/spring/routes.yaml",
                "AUDIT_TYPE=user.audited").run(context -> {
            Switchboard sb = context.getBean(Switchboard.class);
            assertThat(sb.runtime().triggers()).containsExactly("audit");
            sb.publish(Events.event("audited").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            sb.publish(Events.event("user.audited").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> !audited.isEmpty());
            assertThat(sb.runtime().stats("audit", "log").received()).isEqualTo(1);
            assertThat(audited).containsExactly("user.audited");
        });
    }

    @Test
    void aConfigFileOnTheFileSystemFindsItsSchemaFilesBesideIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("audit.schema.json"), "{\"type\": \"object\", \"required\": [\"user\"]}");
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, """
                triggers:
                  audit:
                    inputs:
                      any:
                        eventSource: app
                        filter: "type = 'user.audited'"
                        schema: {file: audit.schema.json}
                    subscribers:
                      - name: log
                        sink: {handler: audit}
                """);
        runner.withPropertyValues("switchboard.config-file=" + file.toUri()).run(context -> {
            assertThat(context).hasNotFailed();
            Switchboard sb = context.getBean(Switchboard.class);
            sb.publish(Events.event("user.audited").data("{\"who\": 1}").build()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            sb.publish(Events.event("user.audited").data("{\"user\": \"u-1\"}").build()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> sb.runtime().stats("audit", "log").delivered() == 1
                    && sb.runtime().stats("audit", "log").deadLettered() == 1);
            assertThat(audited).containsExactly("user.audited");
        });
    }

    @Test
    void aConfigFileAndPropertiesCombine() {
        runner.withPropertyValues("switchboard.config-file=classpath:/io/switchboard/spring/routes.yaml",
                "switchboard.triggers.more.inputs.x.event-source=app",
                "switchboard.triggers.more.inputs.x.filter=type = 'x'",
                "switchboard.triggers.more.subscribers[0].sink.handler=audit").run(context ->
                assertThat(context.getBean(Switchboard.class).runtime().triggers())
                        .containsExactlyInAnyOrder("audit", "more"));
    }

    @Test
    void aMistakeInTheConfigFileIsReportedAtItsFileLineAndColumn() {
        runner.withPropertyValues("switchboard.config-file=classpath:/io/switchboard/spring/broken.yaml")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure().getMessage())
                            .contains("classpath:/io/switchboard/spring/broken.yaml:7:26: no handler named 'audti' is"
                                    + " bound; did you mean 'audit'? Otherwise add a bean method annotated"
                                    + " @SwitchboardHandler(\"audti\") or a handler bean named 'audti'")
                            .contains("handlers in the application context: 'audit' (bean 'audit' (EventHandler");
                });
    }

    @Test
    void aConfigFileThatDoesNotExistFailsStartupSayingWhere() {
        runner.withPropertyValues("switchboard.config-file=classpath:/nowhere/switchboard.yaml").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "switchboard.config-file is 'classpath:/nowhere/switchboard.yaml', which does not exist");
        });
    }

    @Test
    void theDefaultBusComesFromSpringKafkaPropertiesWithoutNamingAProvider() {
        // nothing listens on port 1: a Kafka bus connects lazily, and no trigger subscribes to it here
        runner.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1").run(context ->
                assertThat(context.getBean(Switchboard.class).runtime().buses()).containsEntry("default", "kafka"));
    }

    @Test
    void aDeclaredDefaultBusWinsOverSpringKafkaProperties() {
        runner.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1",
                "switchboard.cluster-event-bus.memory.partitions=2").run(context ->
                assertThat(context.getBean(Switchboard.class).runtime().buses()).containsEntry("default", "memory"));
    }
}
