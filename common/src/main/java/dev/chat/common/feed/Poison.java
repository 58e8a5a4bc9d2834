package dev.chat.common.feed;

/** A record of {@code chat-messages} that can never be handled; the message says why. */
public final class Poison extends Exception {

    /** @param reason why the record is unusable (goes into the dead-letter record's headers) */
    public Poison(String reason) {
        super(reason, null, false, false);
    }
}
