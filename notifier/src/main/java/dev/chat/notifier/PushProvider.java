package dev.chat.notifier;

/**
 * Sends one notification to one device through a push service: Web Push ({@link WebPushProvider}),
 * Firebase Cloud Messaging ({@link FcmProvider}) or Apple Push Notification service
 * ({@link ApnsProvider}), chosen per subscription.
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
     * @param message      what to say
     * @return the outcome
     * @throws InterruptedException if interrupted
     */
    Outcome send(PushSubscriptions.Subscription subscription, PushMessage message) throws InterruptedException;
}
