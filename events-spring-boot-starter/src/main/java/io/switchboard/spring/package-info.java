/**
 * Spring Boot auto-configuration for Switchboard: {@link io.switchboard.spring.SwitchboardAutoConfiguration} builds,
 * starts and drains one runtime with the application context from {@link io.switchboard.spring.SwitchboardProperties}
 * ({@code switchboard.*}), {@link io.switchboard.spring.SwitchboardHandler} methods and handler beans, and trigger,
 * source and bus beans; meters, health and traces are wired when their modules and beans are present.
 */
package io.switchboard.spring;
