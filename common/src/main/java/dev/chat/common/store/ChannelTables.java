package dev.chat.common.store;

/**
 * The SQL of {@code channels}, {@code channel_members}, {@code user_blocks} and the view
 * {@code channel_write_access} (config/sql/V7: the one write rule, member and not read-only by a
 * block) that runs outside the api: the gateway's membership cache and chatctl. The api's
 * statements on these tables are Helidon DbClient named statements in
 * {@code config/api/application.yaml} ({@code direct-blocked} reads the same view); the push
 * subscriptions of members are in {@link PushTables}. Schema: {@code config/sql}.
 */
public final class ChannelTables {

    /** A user's channels and whether each is read-only to them (a direct channel closed by a block). */
    public static final String WRITE_ACCESS_OF_USER = "SELECT channel_id, read_only FROM channel_write_access WHERE user_id = ?";

    /** When a channel was created (its first message bucket). */
    public static final String CREATED_AT = "SELECT created_at FROM channels WHERE id = ?";

    /** The members of a channel with one of these names (any case), the sender left out. */
    public static final String MEMBERS_NAMED = "SELECT u.id FROM channel_members m JOIN users u ON u.id = m.user_id"
            + " WHERE m.channel_id = ? AND lower(u.name) = ANY (?) AND m.user_id <> ?";

    /** Every member of a channel but one. */
    public static final String OTHER_MEMBERS = "SELECT user_id FROM channel_members WHERE channel_id = ? AND user_id <> ?";

    /** A group's owner (null for a direct channel). */
    public static final String OWNER = "SELECT owner_id FROM channels WHERE id = ?";

    private ChannelTables() {
    }
}
