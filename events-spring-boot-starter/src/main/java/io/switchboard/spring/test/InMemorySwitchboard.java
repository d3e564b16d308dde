package io.switchboard.spring.test;

import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code @SpringBootTest} class: the application's Switchboard runs on in-memory buses and a manual clock.
 * Every bus the runtime creates by type (from {@code switchboard.buses.*}, {@code spring.kafka.*},
 * {@code switchboard.config-file}) becomes an in-memory bus, whatever its type; the runtime's clock is a
 * {@link io.switchboard.core.time.ManualScheduler} bean the test injects and advances (windows, cron resets, retry
 * backoff, timer sources). Handlers, triggers and everything else stay the application's own.
 *
 * <pre>{@code
 * @SpringBootTest
 * @InMemorySwitchboard
 * class ShopTest {
 *     @Autowired Switchboard switchboard;
 *     @Autowired ManualScheduler clock;
 *     ...
 *         clock.advance(Duration.ofHours(2));
 * }
 * }</pre>
 *
 * <p>Buses the application passes as {@code EventBus} beans are instances and are not swapped. For tests of routes
 * alone (no application context), use the events-test harness with {@code SwitchboardRoutes} (docs/spring-boot.md).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(InMemorySwitchboardConfiguration.class)
public @interface InMemorySwitchboard {
}
