package dev.chat.chatctl;

import java.io.PrintWriter;

import dev.chat.common.wire.Json;
import picocli.CommandLine.Option;

/**
 * {@code --json}: machine-readable output instead of the human table. A picocli mixin: part of
 * {@link OperatorOptions}, alone in the commands that reach no backing service.
 */
final class OutputOptions {

    @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
    private boolean json;

    boolean json() {
        return json;
    }

    /** Prints {@code value} as one JSON document. */
    void printJson(PrintWriter out, Object value) {
        out.println(Json.encode(value));
        out.flush();
    }
}
