package io.switchboard.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the deliberately broken kit subclasses of {@link EventBusCompatibilityKitSelfTest} from running on their own
 * (e.g. when a test filter selects nested classes): they run only inside {@link KitRunner}, which sets the parameter.
 */
final class OnlyFromKitRunner implements ExecutionCondition {

    static final String PARAMETER = "io.switchboard.test.kit-self-test";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(PARAMETER).isPresent()
                ? ConditionEvaluationResult.enabled("run by KitRunner")
                : ConditionEvaluationResult.disabled("a deliberately broken bus: run only by EventBusCompatibilityKitSelfTest");
    }
}
