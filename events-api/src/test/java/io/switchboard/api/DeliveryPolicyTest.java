package io.switchboard.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryPolicyTest {

    @Test
    void defaultsAreThreeAttemptsDoublingFrom100msTo10sWithJitterAndNoTimeout() {
        DeliveryPolicy p = DeliveryPolicy.defaults();

        assertThat(p.maxAttempts()).isEqualTo(3);
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.multiplier()).isEqualTo(2.0);
        assertThat(p.jitter()).isEqualTo(0.2);
        assertThat(p.attemptTimeout()).isEqualTo(Duration.ZERO);
        assertThat(DeliveryPolicy.noRetries().maxAttempts()).isEqualTo(1);
    }

    @Test
    void maxAttemptsMustBeAtLeastOne() {
        assertThatThrownBy(() -> DeliveryPolicy.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1").hasMessageContaining("0");
        assertThat(DeliveryPolicy.builder().maxAttempts(1).build().maxAttempts()).isEqualTo(1);
    }

    @Test
    void backoffRefusesMissingNegativeInvertedDurationsAndShrinkingOrInfiniteMultipliers() {
        DeliveryPolicy.Builder b = DeliveryPolicy.builder();
        Duration s = Duration.ofSeconds(1);

        assertThatThrownBy(() -> b.backoff(null, s, 2)).isInstanceOf(NullPointerException.class).hasMessage("initial");
        assertThatThrownBy(() -> b.backoff(s, null, 2)).isInstanceOf(NullPointerException.class).hasMessage("max");
        assertThatThrownBy(() -> b.backoff(Duration.ofMillis(-1), s, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> b.backoff(s, Duration.ofMillis(-1), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), s, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than initial");
        for (double bad : new double[] {0.99, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> b.backoff(s, s, bad)).as("multiplier %s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite number >= 1");
        }
        DeliveryPolicy zero = DeliveryPolicy.builder().backoff(Duration.ZERO, Duration.ZERO, 1.0).build();
        assertThat(zero.backoffAfter(5)).isZero();
    }

    @Test
    void jitterIsAFractionBetweenZeroAndOne() {
        for (double bad : new double[] {-0.01, 1.01, Double.NaN}) {
            assertThatThrownBy(() -> DeliveryPolicy.builder().jitter(bad)).as("jitter %s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 1");
        }
        assertThat(DeliveryPolicy.builder().jitter(0).build().jitter()).isZero();
        assertThat(DeliveryPolicy.builder().jitter(1).build().jitter()).isEqualTo(1.0);
    }

    @Test
    void attemptTimeoutIsZeroForNoneOrPositive() {
        assertThatThrownBy(() -> DeliveryPolicy.builder().attemptTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeliveryPolicy.builder().attemptTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        assertThat(DeliveryPolicy.builder().attemptTimeout(Duration.ofSeconds(3)).build().attemptTimeout())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retryOnDecidesExceptThatNonRetryableAnywhereInTheCauseChainNeverRetries() {
        assertThatThrownBy(() -> DeliveryPolicy.builder().retryOn(null)).isInstanceOf(NullPointerException.class);
        DeliveryPolicy ioOnly = DeliveryPolicy.builder().retryOn(t -> t instanceof IOException).build();

        assertThat(ioOnly.isRetryable(new IOException("down"))).isTrue();
        assertThat(ioOnly.isRetryable(new IllegalStateException("bug"))).isFalse();
        assertThat(DeliveryPolicy.defaults().isRetryable(new IllegalStateException("bug"))).isTrue();
        assertThat(DeliveryPolicy.defaults().isRetryable(
                new RuntimeException(new IllegalStateException(new NonRetryableException("bad input"))))).isFalse();
        assertThat(ioOnly.isRetryable(new IOException(new NonRetryableException("bad input")))).isFalse();
    }

    @Test
    void backoffGrowsByTheMultiplierUpToTheCap() {
        DeliveryPolicy p = DeliveryPolicy.builder().backoff(Duration.ofMillis(100), Duration.ofMillis(350), 2).build();

        assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoffAfter(3)).isEqualTo(Duration.ofMillis(350));
        assertThat(p.backoffAfter(1000)).isEqualTo(Duration.ofMillis(350));
        assertThat(p.backoffAfter(0)).as("attempts below 1 count as the first").isEqualTo(Duration.ofMillis(100));
    }
}
