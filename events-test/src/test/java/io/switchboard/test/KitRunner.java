package io.switchboard.test;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

/** Runs one group of a kit subclass through the JUnit launcher and reports each test's outcome by display name. */
final class KitRunner {

    /** What happened to one test: passed, failed (with the failure), or skipped (with the reason). */
    record Outcome(String status, String message) {
        boolean passed() {
            return status.equals("SUCCESSFUL");
        }

        boolean failed() {
            return status.equals("FAILED");
        }

        boolean skipped() {
            return status.equals("SKIPPED") || status.equals("ABORTED");
        }
    }

    private KitRunner() {
    }

    /** The classes enclosing a (possibly doubly) nested group, outermost first, with the kit subclass outermost. */
    private static List<Class<?>> enclosing(Class<?> kit, Class<?> group) {
        java.util.LinkedList<Class<?>> chain = new java.util.LinkedList<>();
        for (Class<?> c = group.getEnclosingClass(); c != null && c != EventBusCompatibilityKit.class;
             c = c.getEnclosingClass()) {
            chain.addFirst(c);
        }
        chain.addFirst(kit);
        return chain;
    }

    static Map<String, Outcome> run(Class<? extends EventBusCompatibilityKit> kit, Class<?> group) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectNestedClass(enclosing(kit, group), group))
                .configurationParameter(OnlyFromKitRunner.PARAMETER, "true").build();
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                outcomes.put(id.getDisplayName(), new Outcome("SKIPPED", reason));
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    outcomes.put(id.getDisplayName(), new Outcome(result.getStatus().name(),
                            result.getThrowable().map(Throwable::getMessage).orElse("")));
                }
            }
        });
        return outcomes;
    }
}
