package dev.chat.common.feed;

/** Where a feed parks records it can never handle, so their partition carries on; called on the feed's thread. */
public interface DeadLetterSink {

    /**
     * Parks a record and returns once it is kept for sure.
     *
     * @param letter the record and why
     * @throws Exception if it could not be parked: the feed retries the batch (nothing is skipped unparked)
     */
    void park(DeadLetter letter) throws Exception;
}
