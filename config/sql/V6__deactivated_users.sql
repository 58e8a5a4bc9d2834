-- Deactivated users: their tokens (JWTs and API tokens) stop working and their sockets are closed.
-- status_changed_at moves on every deactivation and reactivation, so services poll only what changed.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN status_changed_at TIMESTAMPTZ;
CREATE INDEX idx_users_status_changed ON users (status_changed_at) WHERE status_changed_at IS NOT NULL;
