-- Membership consent: who may add members to a group, and who may write to whom.
-- A group's owner is its creator (issue: leaving passes ownership on); only the owner, the
-- service's administrators, or - when the group allows it - any member may add members.
ALTER TABLE channels ADD COLUMN owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
UPDATE channels SET owner_id = created_by WHERE type = 'group';
ALTER TABLE channels ADD COLUMN anyone_can_add BOOLEAN NOT NULL DEFAULT false;

-- A block stops new direct channels and group invitations from the blocked user, and makes an
-- existing direct channel between the two read-only for both.
CREATE TABLE user_blocks (
    blocker_id BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);

-- "who blocked this user?": checked when they create a direct channel or add members
CREATE INDEX idx_user_blocks_blocked ON user_blocks (blocked_id);
