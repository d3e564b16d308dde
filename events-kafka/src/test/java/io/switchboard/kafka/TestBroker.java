package io.switchboard.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JVM-wide test broker of {@link SharedKafka} for test classes in other packages (e.g. the scale-out tests):
 * register with {@code @RegisterExtension static final TestBroker kafka = new TestBroker();}.
 */
public final class TestBroker implements BeforeAllCallback {

    private final SharedKafka shared = new SharedKafka();

    @Override
    public void beforeAll(ExtensionContext context) {
        shared.beforeAll(context);
    }

    public String bootstrapServers() {
        return shared.bootstrapServers();
    }

    /** Bus settings that make rebalances after a join, leave or crash take seconds (see {@link SharedKafka#fastBus}). */
    public KafkaBusConfig.Builder fastBus() {
        return SharedKafka.fastBus(bootstrapServers());
    }
}
