package io.switchboard.core.internal.testing;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple's logging with a working MDC (slf4j-simple's own MDC discards everything), so tests can see what the
 * runtime puts in the MDC. Selected for the test JVM with {@code -Dslf4j.provider} in this module's POM.
 */
public final class SimpleLoggingWithMdc extends SimpleServiceProvider {

    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
