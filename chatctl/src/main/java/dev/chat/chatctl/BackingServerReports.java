package dev.chat.chatctl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

import dev.chat.localstack.LocalStack;

/** Prints what {@code chatctl up}'s supervisor of the backing servers does, in the same words as for the services. */
final class BackingServerReports implements LocalStack.Supervision {

    private final PrintWriter out;

    BackingServerReports(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void died(String server, Path log, Duration restartIn) {
        print("%s exited unexpectedly (see %s); starting it again in %d s. The chat services keep running and"
                + " reconnect.%n", server, log, restartIn.toSeconds());
    }

    @Override
    public void back(String server, Duration took) {
        print("%s is back (started again in %.1f s).%n", server, took.toMillis() / 1000.0);
    }

    @Override
    public void failed(String server, String why) {
        print("%s did not come back: %s; trying again.%n", server, why);
    }

    private void print(String format, Object... args) {
        synchronized (out) {
            out.printf(format, args);
            out.flush();
        }
    }
}
