package dev.chat.common.store;

/**
 * The SQL of {@code push_subscriptions} that the notifier runs; the api registers and removes
 * subscriptions with the DbClient named statements {@code upsert-push-subscription} and
 * {@code delete-push-subscription} in {@code config/api/application.yaml}. Schema: {@code config/sql}.
 */
public final class PushTables {

    /** Every subscription of every member of the channels, with the channel's name and type: binds an array of channel ids. */
    public static final String SUBSCRIPTIONS_OF_MEMBERS =
            "SELECT s.id, s.user_id, m.channel_id, c.name, c.type, s.endpoint, s.p256dh, s.auth, s.previews, s.provider "
                    + "FROM channel_members m JOIN push_subscriptions s ON s.user_id = m.user_id "
                    + "JOIN channels c ON c.id = m.channel_id WHERE m.channel_id = ANY(?)";

    /** Forgets a subscription its push service says is gone. */
    public static final String DELETE_SUBSCRIPTION = "DELETE FROM push_subscriptions WHERE id = ?";

    private PushTables() {
    }
}
