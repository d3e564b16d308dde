package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Disables, visibly and with the reason, kit tests that the in-memory bus is known not to pass yet. Each gap is
 * detected from the bus's public API, so the test runs again as soon as the fix is there; remove the entry with it.
 */
final class KnownGaps implements ExecutionCondition {

    private static final Map<String, String> IN_MEMORY = gaps();

    private static Map<String, String> gaps() {
        Map<String, String> gaps = new HashMap<>();
        if (!declares(InMemoryEventBus.class, "publish", String.class, CloudEvent.class, String.class)) {
            String reason = "known gap of InMemoryEventBus (scale-out issue): it does not implement"
                    + " EventBus.publish(topic, event, partitionKey) yet, which every bus with consumer groups must";
            gaps.put("publish(topic, event, key) delivers the event unchanged", reason);
            gaps.put("events with different subjects but one explicit key arrive in order, on one member", reason);
        }
        if (!declares(InMemoryEventBus.Builder.class, "leaveTimeout", Duration.class)) {
            gaps.put("a member leaving cleanly mid-stream: per-key order kept, nothing lost or repeated",
                    "known gap of InMemoryEventBus (scale-out issue): a leaving member's unfinished delivery goes to"
                            + " the next member at once, while the leaving member's handler still runs, so one key is"
                            + " handled by two members at the same time; the leave should wait (bounded) for the stage");
        }
        return gaps;
    }

    private static boolean declares(Class<?> type, String method, Class<?>... parameters) {
        try {
            type.getDeclaredMethod(method, parameters);
            return true;
        } catch (NoSuchMethodException missing) {
            return false;
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = IN_MEMORY.get(context.getDisplayName());
        return reason != null && context.getTestMethod().isPresent()
                ? ConditionEvaluationResult.disabled(reason)
                : ConditionEvaluationResult.enabled("no known gap");
    }
}
