package dev.chat.common.channel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link SendDeadlines}: writes not acknowledged in time fail, the others keep their outcome. */
class SendDeadlinesTest {

    /** With this slack the checking thread does not run within a test: it calls {@link SendDeadlines#expire} itself. */
    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void theCheckingThreadFailsAWriteAtItsDeadlineAndLeavesAnAcknowledgedOne() {
        try (SendDeadlines deadlines = new SendDeadlines(Duration.ofMillis(50), Duration.ofMillis(10), "test-deadlines")) {
            CompletableFuture<String> late = deadlines.watch(new CompletableFuture<>());
            CompletableFuture<String> acknowledged = deadlines.watch(new CompletableFuture<>());
            acknowledged.complete("stored");

            await().atMost(Duration.ofSeconds(5)).until(late::isDone);

            assertThat(late.exceptionNow()).isInstanceOf(TimeoutException.class);
            assertThat(acknowledged).isCompletedWithValue("stored");
            await().atMost(Duration.ofSeconds(5)).until(() -> deadlines.watched() == 0);
            // a write watched later gets a check of its own
            CompletableFuture<String> later = deadlines.watch(new CompletableFuture<>());
            await().atMost(Duration.ofSeconds(5)).until(later::isDone);
            assertThat(later).isCompletedExceptionally();
        }
    }

    @Test
    void aWriteNotAcknowledgedByItsDeadlineFailsWithATimeout() {
        try (SendDeadlines deadlines = new SendDeadlines(Duration.ZERO, NEVER, "test-deadlines")) {
            CompletableFuture<String> late = deadlines.watch(new CompletableFuture<>());
            CompletableFuture<String> acknowledged = deadlines.watch(new CompletableFuture<>());
            acknowledged.complete("stored");

            deadlines.expire();

            assertThat(late).isCompletedExceptionally();
            assertThat(late.exceptionNow()).isInstanceOf(TimeoutException.class).hasMessageContaining("no acknowledgement");
            assertThat(acknowledged).isCompletedWithValue("stored");
            assertThat(deadlines.watched()).isZero();
        }
    }

    @Test
    void writesWithTimeLeftAreKeptAndCompletedOnesLeave() {
        try (SendDeadlines deadlines = new SendDeadlines(NEVER, NEVER, "test-deadlines")) {
            CompletableFuture<String> done = deadlines.watch(new CompletableFuture<>());
            CompletableFuture<String> waiting = deadlines.watch(new CompletableFuture<>());
            done.complete("stored");

            deadlines.expire();

            assertThat(waiting).isNotDone();
            assertThat(deadlines.watched()).isEqualTo(1);
            waiting.complete("stored later");
            deadlines.expire();
            assertThat(waiting).isCompletedWithValue("stored later");
            assertThat(deadlines.watched()).isZero();
        }
    }

    @Test
    void aWriteAlreadyAcknowledgedIsNotWatched() {
        try (SendDeadlines deadlines = new SendDeadlines(NEVER, NEVER, "test-deadlines")) {
            deadlines.watch(CompletableFuture.completedFuture("stored"));
            assertThat(deadlines.watched()).isZero();
        }
    }
}
