package io.switchboard.micrometer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MonotonicReadingTest {

    @Test
    void aCounterThatRestartsFromZeroOrGoesAwayNeverReadsLower() {
        MonotonicReading reading = new MonotonicReading();
        assertThat(reading.next(5)).isEqualTo(5);
        assertThat(reading.next(7)).isEqualTo(7);
        assertThat(reading.next(-1)).as("gone: the last value").isEqualTo(7);
        assertThat(reading.next(2)).as("back, restarted from zero").isEqualTo(9);
        assertThat(reading.next(3)).isEqualTo(10);
    }
}
