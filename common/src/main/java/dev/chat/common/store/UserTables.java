package dev.chat.common.store;

/**
 * The SQL of {@code users} and {@code api_tokens} that runs outside the api's own routes, in one
 * place: the token checks and bot accounts of {@code auth} (api, gateway, chatctl), chatctl's
 * {@code users} commands and the names the notifier puts into push notifications. The api's other
 * statements on these tables are Helidon DbClient named statements in
 * {@code config/api/application.yaml}; {@link #INSERT_USER} and {@link #USER_BY_ID} are defined only
 * here and registered there under their names ({@code insert-user}, {@code user-by-id}) by the api's
 * {@code Database}. Schema: {@code config/sql}.
 */
public final class UserTables {

    /** A person by name (nothing when the name is taken): chatctl and the api's {@code insert-user}. */
    public static final String INSERT_USER =
            "INSERT INTO users (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING id, name, kind";

    /** A user by id: id, name, kind (bot or person); also the api's {@code user-by-id}. */
    public static final String USER_BY_ID = "SELECT id, name, kind FROM users WHERE id = ?";

    /** A bot by name (nothing when the name is taken). */
    public static final String INSERT_BOT =
            "INSERT INTO users (name, kind) VALUES (?, 'bot') ON CONFLICT (name) DO NOTHING RETURNING id";

    /** Names of several users: binds an array of ids. */
    public static final String NAMES = "SELECT id, name FROM users WHERE id = ANY(?)";

    /** Users, newest first: binds the most to return. */
    public static final String LIST_USERS =
            "SELECT id, name, kind, created_at, deactivated_at FROM users ORDER BY id DESC LIMIT ?";

    /** Deactivated users, newest first: binds the most to return. */
    public static final String LIST_DEACTIVATED_USERS = "SELECT id, name, kind, created_at, deactivated_at FROM users"
            + " WHERE deactivated_at IS NOT NULL ORDER BY id DESC LIMIT ?";

    /** Deactivates a user (the first time is kept); the change is what {@link #STATUS_CHANGES} polls. */
    public static final String DEACTIVATE =
            "UPDATE users SET deactivated_at = coalesce(deactivated_at, now()), status_changed_at = now() WHERE id = ?";

    /** Reactivates a user. */
    public static final String REACTIVATE = "UPDATE users SET deactivated_at = NULL, status_changed_at = now() WHERE id = ?";

    /** Every deactivated user: id, true. */
    public static final String DEACTIVATED = "SELECT id, true FROM users WHERE deactivated_at IS NOT NULL";

    /** Users whose state changed lately: id, deactivated; binds an interval such as {@code "30 seconds"}. */
    public static final String STATUS_CHANGES =
            "SELECT id, deactivated_at IS NOT NULL FROM users WHERE status_changed_at > now() - ?::interval";

    /** A bot's token (only its hash): binds user, label, hash; returns the token's id. */
    public static final String INSERT_TOKEN =
            "INSERT INTO api_tokens (user_id, name, token_hash) VALUES (?, ?, ?) RETURNING id::text";

    /** Tokens, newest first, revoked ones included: binds a bot's id twice, or null twice for every bot. */
    public static final String LIST_TOKENS =
            "SELECT t.id::text, t.user_id, u.name, t.name, t.created_at, t.last_used_at, t.revoked_at "
                    + "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                    + "WHERE (?::bigint IS NULL OR t.user_id = ?::bigint) ORDER BY t.created_at DESC, t.id";

    /** Revokes a token (revoking twice keeps the first time): returns its bot. */
    public static final String REVOKE_TOKEN =
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = ? RETURNING user_id";

    /** Checks a token by its hash and records its use: returns its id and bot unless revoked or the bot is deactivated. */
    public static final String USE_TOKEN =
            "UPDATE api_tokens t SET last_used_at = now() FROM users u WHERE t.token_hash = ? AND t.revoked_at IS NULL "
                    + "AND u.id = t.user_id AND u.deactivated_at IS NULL RETURNING t.id::text, t.user_id";

    /** Tokens revoked lately: id, revoked_at; binds an interval such as {@code "30 seconds"}. */
    public static final String RECENT_REVOCATIONS =
            "SELECT id::text, revoked_at FROM api_tokens WHERE revoked_at > now() - ?::interval";

    private UserTables() {
    }
}
