package io.switchboard.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives each test of the class a {@link SwitchboardHarness} parameter with default settings (no routes; add them with
 * {@link SwitchboardHarness#trigger} or {@link SwitchboardHarness#configure}). To share an application's routes
 * across tests, register a configured {@link SwitchboardExtension} with {@code @RegisterExtension} instead.
 *
 * <pre>{@code
 * @SwitchboardTest
 * class RetryTest {
 *     @Test
 *     void retriesThenDeadLetters(SwitchboardHarness harness) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SwitchboardExtension.class)
public @interface SwitchboardTest {
}
