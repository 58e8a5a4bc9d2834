-- Integrators and offline users: bot accounts with API tokens, outgoing webhooks, push subscriptions.

-- A bot is a user that signs in with API tokens only (never the name login, never a JWT from chatctl token).
ALTER TABLE users ADD COLUMN kind VARCHAR(10) NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'bot'));

-- Long-lived opaque tokens of bots. Only a SHA-256 of the token is kept: it is shown once, when created.
CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         VARCHAR(64) NOT NULL,
    token_hash   BYTEA       NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX idx_api_tokens_user ON api_tokens (user_id);
-- every api and gateway polls "what was revoked lately?" every few seconds
CREATE INDEX idx_api_tokens_revoked ON api_tokens (revoked_at) WHERE revoked_at IS NOT NULL;

-- Outgoing webhooks of a channel. The secret signs each delivery (Standard Webhooks, HMAC-SHA256).
CREATE TABLE webhooks (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    channel_id      UUID         NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    url             VARCHAR(2048) NOT NULL,
    events          VARCHAR(32)[] NOT NULL,
    secret          VARCHAR(128) NOT NULL,
    created_by      BIGINT       REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    disabled_at     TIMESTAMPTZ,
    disabled_reason VARCHAR(512),
    -- which notifier instance delivers it now, and until when (one deliverer at a time keeps order)
    lease_owner     VARCHAR(64),
    lease_until     TIMESTAMPTZ
);
CREATE INDEX idx_webhooks_channel ON webhooks (channel_id);

-- Events waiting to be delivered, in order per webhook (id order). A row is deleted once delivered.
-- event_id is stable across retries and redeliveries, so a Kafka record read twice queues it once.
CREATE TABLE webhook_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      UUID        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        VARCHAR(80) NOT NULL,
    event_type      VARCHAR(32) NOT NULL,
    payload         TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX idx_webhook_outbox_due ON webhook_outbox (webhook_id, id);

-- The last attempts of each webhook (successes and failures), for its owner to look at.
CREATE TABLE webhook_deliveries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id  UUID        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id    VARCHAR(80) NOT NULL,
    attempt     INT         NOT NULL,
    status      INT,
    error       VARCHAR(512),
    duration_ms INT         NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id DESC);

-- Web Push subscriptions of a user's browsers (RFC 8030/8291). previews=false: never the content.
CREATE TABLE push_subscriptions (
    id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    BIGINT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   VARCHAR(2048) NOT NULL UNIQUE,
    p256dh     VARCHAR(200)  NOT NULL,
    auth       VARCHAR(100)  NOT NULL,
    previews   BOOLEAN       NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX idx_push_subscriptions_user ON push_subscriptions (user_id);
