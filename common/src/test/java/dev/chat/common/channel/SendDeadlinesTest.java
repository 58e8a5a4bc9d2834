package dev.chat.common.channel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SendDeadlines}: writes not acknowledged in time fail, the others keep their outcome. */
class SendDeadlinesTest {

    /** The checking thread never runs in these tests: they call {@link SendDeadlines#expire} themselves. */
    private static final Duration NEVER = Duration.ofHours(1);

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
