package dev.chat.gateway;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameRateTest {

    private static final long MS = 1_000_000L;

    @Test
    void theBurstIsAcceptedAtOnceThenFramesAtTheSustainedRate() {
        FrameRate rate = new FrameRate(20, 100, Duration.ofSeconds(10), 0);
        for (int i = 0; i < 100; i++) {
            assertThat(rate.tryTake(0)).isTrue();
        }
        assertThat(rate.tryTake(0)).isFalse();
        assertThat(rate.retryAfterMillis()).isEqualTo(50);
        assertThat(rate.tryTake(50 * MS)).isTrue();
        assertThat(rate.tryTake(50 * MS)).isFalse();
    }

    @Test
    void aClientThatWaitsAsToldIsNeverAFlood() {
        FrameRate rate = new FrameRate(20, 100, Duration.ofSeconds(10), 0);
        long now = 0;
        for (int i = 0; i < 100; i++) {
            rate.tryTake(now);
        }
        for (int i = 0; i < 1000; i++) { // 50 s of: refused, wait retry_after_ms, accepted
            if (!rate.tryTake(now)) {
                assertThat(rate.flooding()).isFalse();
                now += rate.retryAfterMillis() * MS;
                assertThat(rate.tryTake(now)).isTrue();
            }
            now += 1500 * MS; // then quiet for longer than an episode's gap
        }
        assertThat(rate.flooding()).isFalse();
    }

    @Test
    void refusalsWithoutAQuietSecondForTheWindowAreAFloodEvenIfSomeFramesGetThrough() {
        FrameRate rate = new FrameRate(20, 100, Duration.ofSeconds(10), 0);
        long now = 0;
        boolean flooding = false;
        long accepted = 0;
        while (now < 12_000 * MS && !flooding) { // 100 frames per second, five times the rate
            if (rate.tryTake(now)) {
                accepted++;
            }
            flooding = rate.flooding();
            now += 10 * MS;
        }
        assertThat(flooding).isTrue();
        assertThat(now).isBetween(11_000 * MS, 11_500 * MS); // refused from ~1.25 s (burst spent), closed 10 s later
        assertThat(accepted).isGreaterThan(100); // the refill kept trickling through
    }

    @Test
    void aQuietSecondStartsANewEpisode() {
        FrameRate rate = new FrameRate(1, 1, Duration.ofSeconds(3), 0);
        rate.tryTake(0);
        assertThat(rate.tryTake(0)).isFalse();
        assertThat(rate.tryTake(2_000 * MS)).isTrue();
        assertThat(rate.tryTake(2_000 * MS)).isFalse(); // a new episode: 2 s of refusals would not count
        assertThat(rate.tryTake(4_900 * MS)).isTrue();
        assertThat(rate.tryTake(4_950 * MS)).isFalse();
        assertThat(rate.flooding()).isFalse();
    }

    @Test
    void refusalsAreAnsweredAtMostTenBurstsASecond() {
        FrameRate rate = new FrameRate(20, 100, Duration.ofSeconds(10), 0);
        for (int i = 0; i < 100; i++) {
            rate.tryTake(0);
        }
        int answered = 0;
        for (int i = 0; i < 1_500; i++) {
            assertThat(rate.tryTake(MS)).isFalse();
            answered += rate.answerRefusal(MS) ? 1 : 0;
        }
        assertThat(answered).as("1,500 refusals at once, 1,000 answers").isEqualTo(1_000);
        assertThat(rate.answerRefusal(1_500 * MS)).as("a new second").isTrue();
    }
}
