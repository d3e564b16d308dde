package io.switchboard.spring;

import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class SwitchboardFailureAnalyzerTest {

    @Test
    void aConfigurationMistakeBecomesTheStartupReportWithoutTheBeanCreationAroundIt() {
        ConfigurationException mistake = new ConfigurationException("handler 'ship' is ambiguous: ...");
        FailureAnalysis analysis = new SwitchboardFailureAnalyzer()
                .analyze(new BeanCreationException("switchboardRoutes", "failed", mistake));
        assertThat(analysis.getDescription()).isEqualTo("The Switchboard configuration is not valid:\n"
                + "handler 'ship' is ambiguous: ...");
        assertThat(analysis.getAction()).contains("switchboard.* properties", "@SwitchboardHandler");
    }
}
