package io.switchboard.spring;

import io.switchboard.api.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a Switchboard configuration mistake that stopped the application from starting into Spring Boot's
 * "APPLICATION FAILED TO START" report: the mistakes as the description, where to change them as the action, without
 * the bean-creation stack around them.
 */
final class SwitchboardFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        return new FailureAnalysis("The Switchboard configuration is not valid:\n" + cause.getMessage(),
                "Correct the switchboard.* properties (or switchboard.config-file), the @SwitchboardHandler methods and"
                        + " handler beans, or the Trigger, EventSource and EventBus beans, as each line above says.",
                cause);
    }
}
