package dev.chat.common.feed;

/**
 * A batch could not be handled now for a reason that passes (a store or Kafka away): the feed
 * backs off and hands it over again, the same records. Any other failure of a handler is fatal.
 */
public final class RetryLater extends Exception {

    /** @param cause what failed */
    public RetryLater(Throwable cause) {
        super(cause.toString(), cause, false, false);
    }

    /** @param message what failed, briefly (logged) */
    public RetryLater(String message) {
        super(message, null, false, false);
    }
}
