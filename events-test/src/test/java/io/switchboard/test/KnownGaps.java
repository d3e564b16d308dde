package io.switchboard.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * Disables, visibly and with the reason, kit tests that a bus is known not to pass yet. Every entry names the defect
 * and where it is being fixed; remove the entry with the fix.
 */
final class KnownGaps implements ExecutionCondition {

    private static final String NO_KEYED_PUBLISH = "known gap of InMemoryEventBus (scale-out issue): it does not"
            + " implement EventBus.publish(topic, event, partitionKey) yet, which every bus with consumer groups must";

    private static final Map<String, String> IN_MEMORY = Map.of(
            "publish(topic, event, key) delivers the event unchanged", NO_KEYED_PUBLISH,
            "events with different subjects but one explicit key arrive in order, on one member", NO_KEYED_PUBLISH,
            "a member leaving cleanly mid-stream: per-key order kept, nothing lost or repeated",
            "known gap of InMemoryEventBus (scale-out issue): a leaving member's unfinished delivery goes to the next"
                    + " member at once, while the leaving member's handler still runs, so one key is handled by two"
                    + " members at the same time; the leave should wait (bounded) for the stage first");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = IN_MEMORY.get(context.getDisplayName());
        return reason != null && context.getTestMethod().isPresent()
                ? ConditionEvaluationResult.disabled(reason)
                : ConditionEvaluationResult.enabled("no known gap");
    }
}
