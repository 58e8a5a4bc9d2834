package dev.chat.common.store;

/**
 * The CQL of the message store, in one place for the persister (writes), the api (history) and
 * chatctl ({@code verify}, {@code partitions}): {@code messages_by_channel} partitioned by
 * (channel_id, bucket), {@code sends_by_channel}, the first message_id of each (channel, sender,
 * client_id) in the same partitions, {@code reactions}, and {@code message_events}, the seqs edits
 * and deletions took. Schema: {@code config/cql}.
 */
public final class MessageTables {

    /** Every column of a stored message, in the order {@link #INSERT_MESSAGE} binds them. */
    public static final String MESSAGE_COLUMNS =
            "channel_id, bucket, message_id, sender_id, client_id, content, msg_type, status, created_at, seq, epoch, attachment,"
                    + " reply_to, mentions";

    /**
     * Writes a message (idempotent: the same message_id overwrites itself) with the write time of
     * its creation (the last bind value, microseconds): a later edit or deletion, written with its
     * own later time, wins over the message written again (a redelivery, a replay), so deleted
     * content never comes back.
     */
    public static final String INSERT_MESSAGE = "INSERT INTO messages_by_channel (" + MESSAGE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

    /** Reads the messages of one bucket; callers append conditions, order and limit. */
    public static final String SELECT_MESSAGES = "SELECT " + MESSAGE_COLUMNS + ", edited_at, deleted_at, reply_count, last_reply_at"
            + " FROM messages_by_channel WHERE channel_id = ? AND bucket = ?";

    /** An edit: the latest content and when (write time = the edit's time, microseconds, first). */
    public static final String UPDATE_CONTENT = "UPDATE messages_by_channel USING TIMESTAMP ? SET content = ?, edited_at = ?"
            + " WHERE channel_id = ? AND bucket = ? AND message_id = ?";

    /** A deletion: the content is removed (a cell tombstone), the row stays as a tombstone of the message. */
    public static final String MARK_DELETED =
            "UPDATE messages_by_channel USING TIMESTAMP ? SET content = null, attachment = null,"
                    + " status = 'deleted', deleted_at = ? WHERE channel_id = ? AND bucket = ? AND message_id = ?";

    /** Whether a message is there and still sent (an edit that lost a race with its deletion is dropped). */
    public static final String SELECT_STATUS = "SELECT status FROM messages_by_channel"
            + " WHERE channel_id = ? AND bucket = ? AND message_id = ?";

    /** Which thread a message belongs to (null: none), read for a reply to a message the batch does not hold. */
    public static final String SELECT_REPLY_TO = "SELECT reply_to FROM messages_by_channel"
            + " WHERE channel_id = ? AND bucket = ? AND message_id = ?";

    /** A reply in its thread's index. */
    public static final String INSERT_REPLY = "INSERT INTO replies_by_root (channel_id, root_id, message_id) VALUES (?, ?, ?)";

    /** How many replies a thread has. */
    public static final String COUNT_REPLIES = "SELECT count(*) AS replies FROM replies_by_root WHERE channel_id = ? AND root_id = ?";

    /** A thread's latest reply (max() of a timeuuid comes back as a type the driver does not decode). */
    public static final String LATEST_REPLY = "SELECT message_id FROM replies_by_root WHERE channel_id = ? AND root_id = ?"
            + " ORDER BY message_id DESC LIMIT 1";

    /** A root's thread counts, as whole values (write time = its latest reply's time, microseconds, first). */
    public static final String UPDATE_THREAD = "UPDATE messages_by_channel USING TIMESTAMP ? SET reply_count = ?,"
            + " last_reply_at = ? WHERE channel_id = ? AND bucket = ? AND message_id = ?";

    /** A page of a thread: its replies' ids after a cursor, oldest first; callers bind the limit. */
    public static final String SELECT_REPLIES = "SELECT message_id FROM replies_by_root WHERE channel_id = ? AND root_id = ?"
            + " AND message_id > ? LIMIT ?";

    /** A reaction added (write time = the event's time, microseconds, first). */
    public static final String INSERT_REACTION = "INSERT INTO reactions (channel_id, bucket, message_id, emoji, user_id)"
            + " VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?";

    /** A reaction removed (write time = the event's time: an add replayed later than it stays removed). */
    public static final String DELETE_REACTION = "DELETE FROM reactions USING TIMESTAMP ? WHERE channel_id = ? AND bucket = ?"
            + " AND message_id = ? AND emoji = ? AND user_id = ?";

    /** The reactions of the messages of one bucket between two ids (a page of history). */
    public static final String SELECT_REACTIONS = "SELECT message_id, emoji, user_id FROM reactions WHERE channel_id = ?"
            + " AND bucket = ? AND message_id >= ? AND message_id <= ?";

    /** Records the seq an edit or deletion took in its channel's sequence. */
    public static final String INSERT_EVENT = "INSERT INTO message_events (channel_id, bucket, epoch, seq, message_id, kind, at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";

    /**
     * Reads the claims of several sends in several channels' partitions of one bucket: binds a list
     * of channels, the bucket and a list of (sender, client_id) tuples; every channel is searched
     * for every send (the caller keeps that product small and ignores claims it did not ask for).
     */
    public static final String SELECT_CLAIMS = "SELECT channel_id, sender_id, client_id, message_id FROM sends_by_channel"
            + " WHERE channel_id IN ? AND bucket = ? AND (sender_id, client_id) IN ?";

    /** Writes the claim of one send (a plain insert: the persister decides who wins). */
    public static final String INSERT_CLAIM = "INSERT INTO sends_by_channel (channel_id, bucket, sender_id, client_id,"
            + " message_id) VALUES (?, ?, ?, ?, ?)";

    /** Any one message of a bucket: the persister reads the table with it to tell an unusable table from a bad record. */
    public static final String SELECT_ANY =
            "SELECT message_id FROM messages_by_channel WHERE channel_id = ? AND bucket = ? LIMIT 1";

    /** What {@code chatctl verify} compares with a run: the id, sender, client_id and position of every message of a bucket. */
    public static final String SELECT_ORDER =
            "SELECT message_id, sender_id, client_id, seq, epoch FROM messages_by_channel WHERE channel_id = ? AND bucket = ?";

    /** The seqs edits and deletions took in a bucket, per epoch. */
    public static final String SELECT_EVENT_SEQS = "SELECT epoch, seq FROM message_events WHERE channel_id = ? AND bucket = ?";

    /** What {@code chatctl partitions} sizes a bucket by: each message's client_id and content. */
    public static final String SELECT_SIZES = "SELECT client_id, content FROM messages_by_channel"
            + " WHERE channel_id = ? AND bucket = ?";

    /** The first partitions of the table, any channel (a bounded scan): binds the most to return. */
    public static final String SELECT_PARTITIONS = "SELECT DISTINCT channel_id, bucket FROM messages_by_channel LIMIT ?";

    private MessageTables() {
    }
}
