package dev.chat.chatctl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/**
 * Which backing services an operator command talks to. Every command shares {@link BackendOptions}
 * (through {@link OperatorOptions}); {@link ChatCtl} removes the options of the others, so each
 * command's help lists only what it uses and an option it does not use is refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface UsesBackends {

    /** @return the backends the command reads or writes (none: it talks to no backend) */
    Backend[] value();

    /** A backing service and the options that say where it is. */
    enum Backend {
        REDIS("--redis", "--redis-cluster"),
        KAFKA("--kafka"),
        CASSANDRA("--cassandra"),
        POSTGRES("--postgres");

        private final List<String> options;

        Backend(String... options) {
            this.options = List.of(options);
        }

        /** @return the options naming where it is */
        List<String> options() {
            return options;
        }
    }
}
