package io.switchboard.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Locale;

/**
 * Runs only the kit tests whose method or display name contains the system property {@value #PROPERTY}
 * (case-insensitive), so a bus developer can run one kit test:
 * {@code mvn verify -Dtest=MyBusCompatibilityTest -Dswitchboard.kit.only=cleanLeave}. Without the property every
 * test runs.
 */
final class KitFilter implements ExecutionCondition {

    static final String PROPERTY = "switchboard.kit.only";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String only = System.getProperty(PROPERTY);
        if (only == null || only.isBlank() || context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("no kit filter");
        }
        String wanted = only.toLowerCase(Locale.ROOT);
        boolean matches = context.getDisplayName().toLowerCase(Locale.ROOT).contains(wanted)
                || context.getTestMethod().get().getName().toLowerCase(Locale.ROOT).contains(wanted);
        return matches ? ConditionEvaluationResult.enabled("matches " + PROPERTY)
                : ConditionEvaluationResult.disabled("not selected by " + PROPERTY + "=" + only);
    }
}
