package dev.chat.notifier;

/**
 * Sends one notification to one device through a push service. Web Push ({@link WebPushProvider})
 * is built in; FCM or APNs would be other implementations with their own subscription form.
 */
interface PushProvider {

    /** What the push service answered. */
    enum Outcome {
        /** accepted for delivery */
        SENT,
        /** the subscription no longer exists (forget it) */
        GONE,
        /** refused or unreachable this time */
        FAILED
    }

    /**
     * @param subscription the device
     * @param payload      the notification's JSON
     * @param topic        a collapse key: an undelivered notification with the same one is replaced
     * @return the outcome
     * @throws InterruptedException if interrupted
     */
    Outcome send(PushSubscriptions.Subscription subscription, String payload, String topic) throws InterruptedException;
}
