package dev.chat.api;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.chat.common.outbound.WebhookEvents;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * Users, channels, memberships and read positions in PostgreSQL, through Helidon DbClient named
 * statements ({@code db.statements} in application.yaml). Thread-safe.
 */
final class ChannelStore {

    private final DbClient db;

    ChannelStore(DbClient db) {
        this.db = db;
    }

    /**
     * A channel row.
     *
     * @param ownerId      the group's owner (null for a direct channel)
     * @param anyoneCanAdd whether every member may add members (else only the owner and administrators)
     */
    record Channel(UUID id, String name, String type, Instant createdAt, Long ownerId, boolean anyoneCanAdd) {
    }

    /** A member's read position (null if they have read nothing). */
    record ReadPosition(long userId, UUID lastReadMessageId) {
    }

    /** A channel of a user, with the user's read position. */
    record UserChannel(Channel channel, UUID lastReadMessageId) {
    }

    /** @return the new user, or empty if the name is taken */
    Optional<User> insertUser(String name) {
        return db.execute().namedGet("insert-user", name).map(ChannelStore::user);
    }

    Optional<User> userByName(String name) {
        return db.execute().namedGet("user-by-name", name).map(ChannelStore::user);
    }

    Optional<User> userById(long id) {
        return db.execute().namedGet("user-by-id", id).map(ChannelStore::user);
    }

    /**
     * A user.
     *
     * @param id   their id
     * @param name their unique name
     * @param kind {@code person} or {@code bot}
     */
    record User(long id, String name, String kind) {
        boolean bot() {
            return "bot".equals(kind);
        }

        /** @return the JSON form: user_id, name, kind */
        java.util.Map<String, Object> json() {
            return java.util.Map.of("user_id", id, "name", name, "kind", kind);
        }
    }

    Optional<Channel> directChannel(String directKey) {
        return db.execute().namedGet("channel-by-direct-key", directKey)
                .map(row -> new Channel(uuid(row, "id"), row.column("name").get(String.class),
                        row.column("type").get(String.class), null, null, false));
    }

    /**
     * Creates a channel and its members in one transaction.
     *
     * @param ownerId      the group's owner (null for a direct channel)
     * @param anyoneCanAdd whether every member may add members
     * @return false if a direct channel for the same pair was created meanwhile
     */
    boolean createChannel(UUID id, String name, String type, long createdBy, String directKey, Long ownerId,
                          boolean anyoneCanAdd, List<Long> members) {
        return inTransaction(tx -> {
            if (tx.namedInsert("insert-channel", id, name, type, createdBy, directKey, ownerId, anyoneCanAdd) == 0) {
                return false;
            }
            for (long member : members) {
                tx.namedInsert("insert-member", id, member);
            }
            return true;
        });
    }

    /**
     * Runs {@code work} in one transaction: committed when it answers true, rolled back when it
     * answers false or throws.
     *
     * @return what {@code work} answered
     */
    private boolean inTransaction(java.util.function.Predicate<DbTransaction> work) {
        DbTransaction tx = db.transaction();
        try {
            boolean commit = work.test(tx);
            if (commit) {
                tx.commit();
            } else {
                tx.rollback();
            }
            return commit;
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /** @return whether the user was added (false: already a member); webhooks get {@code member_joined} */
    boolean addMember(UUID channelId, long userId) {
        return inTransaction(tx -> tx.namedInsert("insert-member", channelId, userId) > 0
                && memberEvent(tx, WebhookEvents.MEMBER_JOINED, channelId, userId));
    }

    /** Queues a member event for the channel's webhooks, in the change's own transaction: none is lost. */
    private static boolean memberEvent(DbTransaction tx, String type, UUID channelId, long userId) {
        String body = WebhookEvents.body(type, Instant.now(), java.util.Map.of("channel_id", channelId.toString(), "user_id", userId));
        tx.namedInsert("enqueue-webhook-event", "evt_" + UUID.randomUUID(), type, body, channelId, type);
        return true;
    }

    /** A member as listed in a channel's details. */
    record Member(long userId, String name, Instant joinedAt) {
    }

    List<Member> members(UUID channelId) {
        return db.execute().namedQuery("members-of-channel", channelId)
                .map(row -> new Member(row.column("user_id").get(Long.class), row.column("name").get(String.class),
                        instant(row.column("joined_at").get())))
                .toList();
    }

    /**
     * Removes a member in one transaction; when it was the owner, the longest-standing remaining
     * member becomes owner (none if nobody is left).
     *
     * @return whether the user was a member
     */
    boolean removeMember(UUID channelId, long userId, boolean wasOwner) {
        return inTransaction(tx -> {
            boolean removed = tx.namedDelete("delete-member", channelId, userId) > 0;
            if (removed && wasOwner) {
                Long next = tx.namedGet("longest-member", channelId).map(row -> row.column("user_id").get(Long.class)).orElse(null);
                tx.namedUpdate("set-owner", next, channelId);
            }
            return removed && memberEvent(tx, WebhookEvents.MEMBER_LEFT, channelId, userId); // nothing removed: nothing to commit
        });
    }

    Optional<Channel> channel(UUID id) {
        return db.execute().namedGet("channel-by-id", id).map(ChannelStore::channel);
    }

    /** @return the member's read position, or empty if not a member */
    Optional<ReadPosition> membership(UUID channelId, long userId) {
        return db.execute().namedGet("membership", channelId, userId).map(ChannelStore::readPosition);
    }

    /** @return whether the two users are members of at least one common channel */
    boolean shareChannel(long a, long b) {
        return db.execute().namedGet("share-channel", a, b).isPresent();
    }

    /**
     * @return whether the member may only read the channel: a direct channel in which the user or
     *         the other member blocks the other (read-only for both); false for a non-member, who
     *         is refused by the membership check first
     */
    boolean directBlocked(UUID channelId, long userId) {
        return db.execute().namedGet("direct-blocked", channelId, userId).isPresent();
    }

    /** @return whether either user blocks the other */
    boolean blockedBetween(long a, long b) {
        return db.execute().namedGet("blocked-between", a, b, b, a).isPresent();
    }

    /** @return the users who block {@code userId} */
    java.util.Set<Long> blockersOf(long userId) {
        return db.execute().namedQuery("blockers-of", userId).map(row -> row.column("blocker_id").get(Long.class))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** @return the users {@code blockerId} blocks, in id order */
    List<Long> blockedBy(long blockerId) {
        return db.execute().namedQuery("blocked-by", blockerId).map(row -> row.column("blocked_id").get(Long.class)).toList();
    }

    /** @return whether the block is new */
    boolean block(long blockerId, long blockedId) {
        return db.execute().namedInsert("insert-block", blockerId, blockedId) > 0;
    }

    /** @return whether there was a block */
    boolean unblock(long blockerId, long blockedId) {
        return db.execute().namedDelete("delete-block", blockerId, blockedId) > 0;
    }

    /**
     * @param userId a user
     * @param after  the last channel of the page before (its creation time and id), null for the first page
     * @param limit  most channels
     * @return the user's channels, oldest first
     */
    List<UserChannel> channelsOf(long userId, Channel after, int limit) {
        var rows = after == null ? db.execute().namedQuery("channels-of-user", userId, limit)
                : db.execute().namedQuery("channels-of-user-after", userId, after.createdAt().toString(), after.id(), limit);
        return rows.map(row -> new UserChannel(channel(row), nullableUuid(row, "last_read_message_id"))).toList();
    }

    /** @return whether the group was updated (false: no such group); null leaves a field as it is */
    boolean updateChannel(UUID channelId, String name, Boolean anyoneCanAdd) {
        return db.execute().namedUpdate("update-channel", name, anyoneCanAdd, channelId) > 0;
    }

    List<ReadPosition> readPositions(UUID channelId) {
        return db.execute().namedQuery("read-positions", channelId).map(ChannelStore::readPosition).toList();
    }

    /**
     * Moves a read position if it still is {@code expected} (compare-and-set).
     *
     * @return whether it moved
     */
    boolean moveReadPosition(UUID channelId, long userId, UUID expected, UUID to) {
        return db.execute().namedUpdate("move-read-position", to, channelId, userId,
                expected == null ? null : expected.toString()) > 0;
    }

    boolean ping() {
        return db.execute().namedQuery("ping").findFirst().isPresent();
    }

    private static User user(DbRow row) {
        return new User(row.column("id").get(Long.class), row.column("name").get(String.class),
                row.column("kind").get(String.class));
    }

    private static Channel channel(DbRow row) {
        return new Channel(uuid(row, "id"), row.column("name").get(String.class), row.column("type").get(String.class),
                instant(row.column("created_at").get()), row.column("owner_id").asOptional().map(Long.class::cast).orElse(null),
                row.column("anyone_can_add").get(Boolean.class));
    }

    private static ReadPosition readPosition(DbRow row) {
        return new ReadPosition(row.column("user_id").get(Long.class), nullableUuid(row, "last_read_message_id"));
    }

    static UUID uuid(DbRow row, String column) {
        return (UUID) row.column(column).get();
    }

    private static UUID nullableUuid(DbRow row, String column) {
        return row.column(column).asOptional().map(UUID.class::cast).orElse(null);
    }

    static Instant instant(Object value) {
        return switch (value) {
            case Timestamp timestamp -> timestamp.toInstant();
            case OffsetDateTime time -> time.toInstant();
            case Instant instant -> instant;
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }
}
