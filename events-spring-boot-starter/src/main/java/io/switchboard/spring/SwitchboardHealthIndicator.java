package io.switchboard.spring;

import io.switchboard.core.RuntimeHealth;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.Switchboard;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Maps {@link RuntimeHealth} onto a Spring Boot {@link Health}. */
final class SwitchboardHealthIndicator implements HealthIndicator {

    private final Switchboard switchboard;

    SwitchboardHealthIndicator(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public Health health() {
        RuntimeHealth health = switchboard.runtime().health();
        Health.Builder b;
        if (health.ready()) {
            b = Health.up();
        } else if (health.state() == RuntimeView.State.CLOSED && !health.draining()) {
            b = Health.down();
        } else {
            // not ready but alive (starting, draining, a full queue, a broker away): take it out of rotation
            b = Health.outOfService();
        }
        b.withDetail("state", health.state().name())
                .withDetail("draining", health.draining())
                .withDetail("buses", health.buses())
                .withDetail("sources", health.sources());
        if (!health.problems().isEmpty()) {
            b.withDetail("problems", health.problems());
        }
        return b.build();
    }
}
