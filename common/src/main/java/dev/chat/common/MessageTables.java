package dev.chat.common;

/**
 * The CQL of the message store, in one place for the persister (writes), the api (history) and
 * chatctl: {@code messages_by_channel} partitioned by (channel_id, bucket), and
 * {@code sends_by_client_id}, the first message_id of each (channel, sender, client_id).
 * Schema: {@code config/cql}.
 */
public final class MessageTables {

    /** Every column of a stored message, in the order {@link #INSERT_MESSAGE} binds them. */
    public static final String MESSAGE_COLUMNS =
            "channel_id, bucket, message_id, sender_id, client_id, content, msg_type, status, created_at, seq, epoch";

    /** Writes a message (idempotent: the same message_id overwrites itself). */
    public static final String INSERT_MESSAGE = "INSERT INTO messages_by_channel (" + MESSAGE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Reads the messages of one bucket; callers append conditions, order and limit. */
    public static final String SELECT_MESSAGES = "SELECT " + MESSAGE_COLUMNS
            + " FROM messages_by_channel WHERE channel_id = ? AND bucket = ?";

    /** Reads the claim of one send. */
    public static final String SELECT_CLAIM = "SELECT message_id FROM sends_by_client_id"
            + " WHERE channel_id = ? AND sender_id = ? AND client_id = ?";

    /** Writes the claim of one send (a plain insert: the persister decides who wins). */
    public static final String INSERT_CLAIM = "INSERT INTO sends_by_client_id (channel_id, sender_id, client_id,"
            + " message_id) VALUES (?, ?, ?, ?)";

    private MessageTables() {
    }
}
