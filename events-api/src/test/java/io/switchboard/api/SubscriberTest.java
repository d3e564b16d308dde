package io.switchboard.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriberTest {

    private static final Sink SINK = Sink.handler(e -> { });

    private static Subscriber.Builder s() {
        return Subscriber.builder("s").sink(SINK);
    }

    @Test
    void defaultsAreAsynchronousOrderedBySubjectWithBoundedQueueAndKeys() {
        Subscriber s = s().build();

        assertThat(s.name()).isEqualTo("s");
        assertThat(s.condition()).isNull();
        assertThat(s.inline()).isFalse();
        assertThat(s.orderingKey()).isEqualTo("subject");
        assertThat(s.concurrency()).isEqualTo(Subscriber.DEFAULT_CONCURRENCY);
        assertThat(s.queueCapacity()).isEqualTo(Subscriber.DEFAULT_QUEUE_CAPACITY);
        assertThat(s.maxKeys()).isEqualTo(Subscriber.DEFAULT_MAX_KEYS);
        assertThat(s.whenFull()).isEqualTo(FullQueuePolicy.block(Duration.ofSeconds(5)));
        assertThat(s.deliveryPolicy()).isSameAs(DeliveryPolicy.defaults());
        assertThat(s.deadLetter()).isNull();
        assertThat(s.correlateBy()).isNull();
        assertThat(s.within()).isNull();
        assertThat(s.resetCron()).isNull();
        assertThat(s.levelTriggered()).isFalse();
        assertThat(s.rateLimit()).isNull();
        assertThat(s.batching()).isNull();
        assertThat(s.debounce()).isNull();
    }

    @Test
    void toBuilderCopiesEverySetting() {
        Sink dead = Sink.handler(e -> { });
        DeliveryPolicy policy = DeliveryPolicy.noRetries();
        Subscriber original = Subscriber.builder("full").condition("a && b").sink(SINK).deliveryPolicy(policy)
                .deadLetter(dead).orderingKey("orderid").concurrency(2).queueCapacity(8).whenFull(FullQueuePolicy.fail())
                .correlateBy("subject").within(Duration.ofMinutes(5)).resetOn("@daily").maxKeys(10).levelTriggered()
                .rateLimit(3, Duration.ofSeconds(1)).batch(10, Duration.ofSeconds(2)).build();

        Subscriber copy = original.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        Subscriber debounced = Subscriber.builder("d").sink(SINK).debounce(Duration.ofSeconds(1)).build();
        assertThat(debounced.toBuilder().build().debounce()).isEqualTo(Duration.ofSeconds(1));
        assertThat(Subscriber.builder("i").sink(SINK).inline().build().toBuilder().build().inline()).isTrue();
    }

    @Test
    void theNameFollowsTheNameRule() {
        assertThatThrownBy(() -> Subscriber.builder("1bad")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subscriber name '1bad'");
        assertThatThrownBy(() -> Subscriber.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBlankConditionIsRefusedAndNullMeansAllInputs() {
        assertThatThrownBy(() -> s().condition("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pass null for all inputs");
        assertThat(s().condition("a").condition(null).build().condition()).isNull();
    }

    @Test
    void sinksPolicyDeadLetterAndFullQueuePolicyMustNotBeNull() {
        assertThatThrownBy(() -> s().sink(null)).isInstanceOf(NullPointerException.class).hasMessage("sink");
        assertThatThrownBy(() -> s().handler(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s().deliveryPolicy(null)).isInstanceOf(NullPointerException.class).hasMessage("policy");
        assertThatThrownBy(() -> s().deadLetter(null)).isInstanceOf(NullPointerException.class).hasMessage("deadLetter");
        assertThatThrownBy(() -> s().whenFull(null)).isInstanceOf(NullPointerException.class).hasMessage("policy");
    }

    @Test
    void attributeOptionsRefuseNullAndBlank() {
        assertThatThrownBy(() -> s().orderingKey(null)).isInstanceOf(NullPointerException.class).hasMessage("orderingKey");
        assertThatThrownBy(() -> s().orderingKey(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orderingKey of subscriber 's' is blank");
        assertThatThrownBy(() -> s().correlateBy(null)).isInstanceOf(NullPointerException.class).hasMessage("correlateBy");
        assertThatThrownBy(() -> s().correlateBy("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("correlateBy of subscriber 's' is blank");
    }

    @Test
    void countsMustBeAtLeastOne() {
        assertThatThrownBy(() -> s().concurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concurrency of subscriber 's' must be at least 1, got 0");
        assertThatThrownBy(() -> s().queueCapacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queueCapacity of subscriber 's' must be at least 1, got 0");
        assertThatThrownBy(() -> s().maxKeys(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeys of subscriber 's' must be at least 1, got -1");
        assertThat(s().concurrency(1).queueCapacity(1).maxKeys(1).build().queueCapacity()).isEqualTo(1);
    }

    @Test
    void durationsMustBePresentAndPositive() {
        assertThatThrownBy(() -> s().within(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s().within(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within of subscriber 's' must be positive");
        assertThatThrownBy(() -> s().within(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s().debounce(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s().debounce(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("debounce of subscriber 's' must be positive");
        assertThatThrownBy(() -> s().debounce(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetCronMustBePresentAndNotBlank() {
        assertThatThrownBy(() -> s().resetOn(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s().resetOn(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resetOn cron of subscriber 's' is blank");
    }

    @Test
    void rateLimitsNeedPositivePermitsPeriodAndBurst() {
        assertThatThrownBy(() -> s().rateLimit(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits must be at least 1");
        assertThatThrownBy(() -> s().rateLimit(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s().rateLimit(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period must be positive");
        assertThatThrownBy(() -> new Subscriber.RateLimit(1, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst must be at least 1");
        assertThatThrownBy(() -> s().rateLimit(null)).isInstanceOf(NullPointerException.class);
        assertThat(s().rateLimit(5, Duration.ofSeconds(1)).build().rateLimit())
                .isEqualTo(new Subscriber.RateLimit(5, Duration.ofSeconds(1), 5));
    }

    @Test
    void batchesNeedAPositiveSizeAndWait() {
        assertThatThrownBy(() -> s().batch(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch size must be at least 1");
        assertThatThrownBy(() -> s().batch(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s().batch(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWait must be positive");
    }

    @Test
    void buildRefusesAMissingSinkAndContradictoryOptions() {
        assertThatThrownBy(() -> Subscriber.builder("s").build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no sink");
        assertThatThrownBy(() -> s().batch(2, Duration.ofSeconds(1)).debounce(Duration.ofSeconds(1)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("both batch(...) and debounce(...)");
        assertThatThrownBy(() -> s().inline().batch(2, Duration.ofSeconds(1)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is inline but batches or debounces");
        assertThatThrownBy(() -> s().inline().debounce(Duration.ofSeconds(1)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is inline but batches or debounces");
        assertThat(s().inline().build().inline()).isTrue();
    }
}
