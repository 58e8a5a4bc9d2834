package dev.chat.chatctl;

import java.io.PrintWriter;
import java.time.Duration;

import dev.chat.localstack.LocalStack;

/** Prints start-up progress for an operator: what starts, and when it is ready. Thread-safe. */
final class ProgressPrinter implements LocalStack.Progress {

    private final PrintWriter out;

    ProgressPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void starting(String part) {
        out.printf("  starting  %s%n", part);
        out.flush();
    }

    @Override
    public synchronized void ready(String part, Duration took) {
        out.printf("  ready     %-34s %6.1f s%n", part, took.toMillis() / 1000.0);
        out.flush();
    }

    @Override
    public synchronized void reused(long owner) {
        out.printf("  reusing   the running local stack (owned by pid %d)%n", owner);
        out.flush();
    }
}
