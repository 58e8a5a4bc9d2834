package dev.chat.common.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import dev.chat.common.store.UserTables;

/**
 * Creates bots and their API tokens, lists and revokes tokens, in PostgreSQL: what {@code
 * chatctl bots}/{@code chatctl tokens} and the api's bot routes do. A token is returned once, when
 * created; only its hash is stored. Thread-safe.
 */
public final class BotAccounts {

    /** Longest token label. */
    public static final int MAX_TOKEN_NAME = 64;

    private final DataSource db;

    /** @param db PostgreSQL with the {@code users} and {@code api_tokens} tables */
    public BotAccounts(DataSource db) {
        this.db = db;
    }

    /**
     * A token just created: the only time its value is known.
     *
     * @param userId   the bot
     * @param userName its name
     * @param tokenId  the token's id (to list and revoke it)
     * @param token    the token
     */
    public record NewToken(long userId, String userName, String tokenId, String token) {
        /** @return its JSON form (api answers, {@code chatctl --json}): user_id, name, token_id, token */
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("user_id", userId);
            json.put("name", userName);
            json.put("token_id", tokenId);
            json.put("token", token);
            return json;
        }
    }

    /**
     * A token as listed.
     *
     * @param tokenId    its id
     * @param userId     its bot
     * @param userName   the bot's name
     * @param name       its label
     * @param createdAt  when it was created
     * @param lastUsedAt when an api or gateway last loaded it (at most once per cache period), if ever
     * @param revokedAt  when it was revoked, if it was
     */
    public record TokenInfo(String tokenId, long userId, String userName, String name, Instant createdAt,
                            Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {
        /** @return its JSON form (api answers, {@code chatctl --json}), never the token's value */
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("token_id", tokenId);
            json.put("user_id", userId);
            json.put("bot", userName);
            json.put("name", name);
            json.put("created_at", createdAt.toString());
            json.put("last_used_at", lastUsedAt.map(Object::toString).orElse(null));
            json.put("revoked_at", revokedAt.map(Object::toString).orElse(null));
            return json;
        }
    }

    /** The user named is not a bot: only bots have API tokens. */
    public static final class NotABot extends Exception {
        NotABot(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Creates a bot with a first token named "default".
     *
     * @param name the bot's unique user name
     * @return the bot and its token, empty if a user of that name exists
     */
    public Optional<NewToken> createBot(String name) {
        return inTransaction(connection -> {
            long userId;
            try (PreparedStatement insert = connection.prepareStatement(UserTables.INSERT_BOT)) {
                insert.setString(1, name);
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    userId = row.getLong(1);
                }
            }
            return Optional.of(insertToken(connection, userId, name, "default"));
        });
    }

    /**
     * @param userId    a bot
     * @param tokenName a label for the token
     * @return the new token, empty if there is no such user
     * @throws NotABot if the user is a person
     */
    public Optional<NewToken> createToken(long userId, String tokenName) throws NotABot {
        Optional<String[]> user = inTransaction(connection -> {
            try (PreparedStatement find = connection.prepareStatement(UserTables.USER_BY_ID)) {
                find.setLong(1, userId);
                try (ResultSet row = find.executeQuery()) {
                    return row.next() ? Optional.of(new String[] {row.getString("name"), row.getString("kind")}) : Optional.empty();
                }
            }
        });
        if (user.isEmpty()) {
            return Optional.empty();
        }
        if (!"bot".equals(user.get()[1])) {
            throw new NotABot("user " + userId + " is a person: API tokens are for bots (people sign in and get a JWT)");
        }
        return Optional.of(inTransaction(connection -> insertToken(connection, userId, user.get()[0], tokenName)));
    }

    /**
     * @param userId only this user's tokens, or every bot's when null
     * @return the tokens, newest first, revoked ones included
     */
    public List<TokenInfo> list(Long userId) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(UserTables.LIST_TOKENS)) {
                select.setObject(1, userId);
                select.setObject(2, userId);
                List<TokenInfo> tokens = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        tokens.add(new TokenInfo(row.getString(1), row.getLong(2), row.getString(3), row.getString(4),
                                row.getTimestamp(5).toInstant(), ApiTokens.instant(row.getTimestamp(6)),
                                ApiTokens.instant(row.getTimestamp(7))));
                    }
                }
                return tokens;
            }
        });
    }

    /**
     * @param tokenId a token's id
     * @return the token's bot, empty if there is no such token; revoking twice keeps the first time
     */
    public Optional<Long> revoke(String tokenId) {
        java.util.UUID id;
        try {
            id = java.util.UUID.fromString(tokenId);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return inTransaction(connection -> {
            try (PreparedStatement revoke = connection.prepareStatement(UserTables.REVOKE_TOKEN)) {
                revoke.setObject(1, id);
                try (ResultSet row = revoke.executeQuery()) {
                    return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    private static NewToken insertToken(Connection connection, long userId, String userName, String tokenName)
            throws SQLException {
        String token = ApiTokens.mint();
        try (PreparedStatement insert = connection.prepareStatement(UserTables.INSERT_TOKEN)) {
            insert.setLong(1, userId);
            insert.setString(2, tokenName);
            insert.setBytes(3, ApiTokens.hash(token));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return new NewToken(userId, userName, row.getString(1), token);
            }
        }
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
        }
    }
}
