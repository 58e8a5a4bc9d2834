-- The one definition of "may this member write to this channel": every membership, and whether it
-- is read-only because the channel is a direct channel in which one of its two members blocks the
-- other (read-only for both). The gateway's membership cache (all of a user's rows) and the api's
-- checks (one row) read it, so the rule is written once.
CREATE VIEW channel_write_access AS
SELECT m.channel_id, m.user_id, EXISTS (
    SELECT 1 FROM channels c
    JOIN channel_members other ON other.channel_id = c.id AND other.user_id <> m.user_id
    JOIN user_blocks b ON (b.blocker_id = m.user_id AND b.blocked_id = other.user_id)
                       OR (b.blocker_id = other.user_id AND b.blocked_id = m.user_id)
    WHERE c.id = m.channel_id AND c.type = 'direct') AS read_only
FROM channel_members m;
