-- Push subscriptions of native apps: an FCM or APNs device token in `endpoint`, no Web Push keys.
ALTER TABLE push_subscriptions ADD COLUMN provider VARCHAR(10) NOT NULL DEFAULT 'webpush'
    CHECK (provider IN ('webpush', 'fcm', 'apns'));
ALTER TABLE push_subscriptions ALTER COLUMN p256dh DROP NOT NULL;
ALTER TABLE push_subscriptions ALTER COLUMN auth DROP NOT NULL;
ALTER TABLE push_subscriptions ADD CONSTRAINT push_subscriptions_webpush_keys
    CHECK (provider <> 'webpush' OR (p256dh IS NOT NULL AND auth IS NOT NULL));
