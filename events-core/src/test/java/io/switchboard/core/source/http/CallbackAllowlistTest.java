package io.switchboard.core.source.http;

import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallbackAllowlistTest {

    private static CallbackAllowlist of(String... entries) {
        return CallbackAllowlist.of("webhooks", List.of(entries));
    }

    private static boolean allows(CallbackAllowlist list, String url) {
        return list.allows(URI.create(url));
    }

    @Test
    void anOriginWithoutPortAllowsOnlyTheSchemesDefaultPort() {
        CallbackAllowlist list = of("https://hooks.example.com");

        assertThat(allows(list, "https://hooks.example.com/done?x=1")).isTrue();
        assertThat(allows(list, "https://HOOKS.example.com:443/done")).isTrue();
        assertThat(allows(list, "https://hooks.example.com./done")).isTrue();
        assertThat(allows(list, "https://hooks.example.com:8443/done")).isFalse();
        assertThat(allows(list, "http://hooks.example.com/done")).isFalse();
        assertThat(allows(list, "https://evil.hooks.example.com/done")).isFalse();
        assertThat(allows(list, "https://hooks.example.com.evil.example/done")).isFalse();
    }

    @Test
    void aWildcardHostAllowsSubdomainsOnlyAndAStarPortAnyPort() {
        CallbackAllowlist list = of("https://*.partner.example", "http://127.0.0.1:*");

        assertThat(allows(list, "https://a.partner.example/x")).isTrue();
        assertThat(allows(list, "https://a.b.partner.example/x")).isTrue();
        assertThat(allows(list, "https://partner.example/x")).isFalse();
        assertThat(allows(list, "https://evilpartner.example/x")).isFalse();
        assertThat(allows(list, "http://127.0.0.1:9000/x")).isTrue();
        assertThat(allows(list, "http://127.0.0.1/x")).isTrue();
        assertThat(allows(list, "http://127.0.0.2:9000/x")).isFalse();
        assertThat(allows(list, "http://localhost:9000/x")).isFalse();
    }

    @Test
    void ipv6LiteralsCompareWithoutBrackets() {
        CallbackAllowlist list = of("http://[::1]:9000");

        assertThat(allows(list, "http://[::1]:9000/x")).isTrue();
        assertThat(allows(list, "http://[::1]:9001/x")).isFalse();
    }

    @Test
    void anEmptyListAllowsNothing() {
        assertThat(CallbackAllowlist.NONE.isEmpty()).isTrue();
        assertThat(allows(CallbackAllowlist.NONE, "http://127.0.0.1:9000/x")).isFalse();
    }

    @Test
    void invalidEntriesAreRefusedWithAnExample() {
        for (String bad : List.of("", " ", "ftp://files.example", "hooks.example.com", "https://hooks.example.com/path",
                "https://hooks.example.com?q", "https://user@hooks.example.com", "https://hooks.example.com:80:*",
                "http://exa mple.com")) {
            assertThatThrownBy(() -> of(bad)).as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("webhooks")
                    .hasMessageContaining("https://hooks.example.com");
        }
    }

    @Test
    void theBuilderChecksEntriesWhereTheyAreGiven() {
        assertThatThrownBy(() -> HttpSource.builder("webhooks").allowCallbacksTo("gopher://x"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gopher://x");
    }
}
