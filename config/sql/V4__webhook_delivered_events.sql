-- Delivered webhook events stay in the outbox for a day (delivered_at set) instead of being deleted:
-- a message read from Kafka again (a retried send is written to Kafka again, a replay) then meets
-- its own row and is not queued, and so not delivered, a second time.
ALTER TABLE webhook_outbox ADD COLUMN delivered_at TIMESTAMPTZ;
DROP INDEX idx_webhook_outbox_due;
CREATE INDEX idx_webhook_outbox_waiting ON webhook_outbox (webhook_id, id) WHERE delivered_at IS NULL;
CREATE INDEX idx_webhook_outbox_delivered ON webhook_outbox (delivered_at) WHERE delivered_at IS NOT NULL;
