package dev.chat.common.channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection's steps one after another, without a thread waiting between them. */
class SendOrderTest {

    private final SendOrder order = new SendOrder();
    private final List<String> started = new CopyOnWriteArrayList<>();

    @Test
    void withNothingInFlightAStepStartsAtOnceOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        CompletableFuture<Thread> ranOn = order.next(() -> CompletableFuture.completedFuture(Thread.currentThread()));

        assertThat(ranOn).isCompletedWithValue(caller);
    }

    @Test
    void aStepStartsOnlyWhenThePreviousOneHasFinishedAndOnTheThreadThatFinishedIt() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        order.next(() -> step("first", first));
        CompletableFuture<Thread> second = order.next(() -> {
            started.add("second");
            return CompletableFuture.completedFuture(Thread.currentThread());
        });
        CompletableFuture<String> third = order.next(() -> step("third", CompletableFuture.completedFuture("3")));

        assertThat(started).containsExactly("first");
        Thread finisher = Thread.ofPlatform().start(() -> first.complete("1"));
        finisher.join();

        assertThat(started).containsExactly("first", "second", "third");
        assertThat(second).isCompletedWithValue(finisher);
        assertThat(third).isCompletedWithValue("3");
    }

    @Test
    void aFailedStepDoesNotHoldUpTheNextOne() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> failed = order.next(() -> step("first", first));
        CompletableFuture<String> next = order.next(() -> step("next", CompletableFuture.completedFuture("ok")));

        first.completeExceptionally(new IllegalStateException("Redis is away"));

        assertThat(failed).isCompletedExceptionally();
        assertThat(next).isCompletedWithValue("ok");
        assertThat(started).containsExactly("first", "next");
    }

    @Test
    void aStepThatThrowsFailsOnlyItsOwnOutcome() {
        CompletableFuture<String> thrown = order.next(() -> {
            throw new IllegalStateException("no connection");
        });
        CompletableFuture<String> next = order.next(() -> step("next", CompletableFuture.completedFuture("ok")));

        assertThat(thrown).isCompletedExceptionally();
        assertThat(next).isCompletedWithValue("ok");
    }

    private CompletableFuture<String> step(String name, CompletableFuture<String> outcome) {
        started.add(name);
        return outcome;
    }
}
