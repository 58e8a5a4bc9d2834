package dev.chat.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.MessageTables;
import dev.chat.common.wire.Attachment;
import dev.chat.common.wire.Json;

/**
 * Reads a channel's history from Cassandra, walking its {@code (channel_id, bucket)} partitions:
 * newest first from a bucket down to the channel's creation, or oldest first from a cursor's
 * bucket up to now. Empty buckets cost one query each, so every walk is clamped to the channel's
 * lifetime (its creation to now, each widened by {@link #CLOCK_SKEW}) whatever cursor a client
 * sends, and unread counting looks back at most {@link #UNREAD_BUCKETS} buckets. Thread-safe.
 */
final class History {

    /** Messages stamped a little ahead of this clock (another machine's) are still found. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** Unread counting looks back this many buckets at most (37 × 10 days: about a year). */
    static final int UNREAD_BUCKETS = 37;

    private final CqlSession session;
    private final PreparedStatement newest;
    private final PreparedStatement olderThan;
    private final PreparedStatement oldest;
    private final PreparedStatement newerThan;
    private final PreparedStatement one;
    private final PreparedStatement reactions;
    private final PreparedStatement replies;
    private final PreparedStatement byIds;

    History(CqlSession session) {
        this.session = session;
        String columns = MessageTables.SELECT_MESSAGES;
        this.newest = session.prepare(columns + " LIMIT ?");
        this.olderThan = session.prepare(columns + " AND message_id < ? LIMIT ?");
        this.oldest = session.prepare(columns + " ORDER BY message_id ASC LIMIT ?");
        this.newerThan = session.prepare(columns + " AND message_id > ? ORDER BY message_id ASC LIMIT ?");
        this.one = session.prepare(columns + " AND message_id = ?");
        this.reactions = session.prepare(MessageTables.SELECT_REACTIONS);
        this.replies = session.prepare(MessageTables.SELECT_REPLIES);
        this.byIds = session.prepare(columns + " AND message_id IN ?");
    }

    /**
     * A page of a thread, oldest first: the replies' ids from the thread index, then their rows,
     * one query per bucket the page spans (a page of a long thread usually spans one or two).
     *
     * @param root  the thread's root
     * @param after the last reply the client has (null: from the start)
     * @return the replies after it
     */
    Page replies(UUID channel, UUID root, UUID after, int limit) {
        List<UUID> ids = new ArrayList<>();
        session.execute(replies.bind(channel, root, after == null ? com.datastax.oss.driver.api.core.uuid.Uuids.startOf(0) : after,
                limit + 1)).forEach(row -> ids.add(row.getUuid("message_id")));
        boolean more = ids.size() > limit;
        List<UUID> shown = more ? ids.subList(0, limit) : ids;
        java.util.Map<Integer, List<UUID>> byBucket = new java.util.TreeMap<>();
        shown.forEach(id -> byBucket.computeIfAbsent(MessageBuckets.of(id), k -> new ArrayList<>()).add(id));
        java.util.Map<UUID, StoredMessage> found = new java.util.HashMap<>();
        byBucket.forEach((bucket, inBucket) -> session.execute(byIds.bind(channel, bucket, inBucket))
                .forEach(row -> found.put(row.getUuid("message_id"), message(row))));
        List<StoredMessage> page = shown.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
        return new Page(page, more);
    }

    /**
     * A stored message with every stored field; {@code seq} and {@code epoch} are its position in
     * the channel's sequence (null for messages stored before sequences existed). An edited message
     * has its latest content and {@code edited_at}; a deleted one is a tombstone: {@code deleted},
     * no content.
     */
    record StoredMessage(UUID channelId, UUID messageId, long senderId, String clientId, String content,
                         String msgType, String status, Instant createdAt, Long seq, String epoch, Instant editedAt,
                         boolean deleted, List<ReactionCount> reactions, Attachment attachment,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         UUID replyTo,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         Integer replyCount,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         Instant lastReplyAt,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                         List<Long> mentions) {
        StoredMessage withReactions(List<ReactionCount> counted) {
            return new StoredMessage(channelId, messageId, senderId, clientId, content, msgType, status, createdAt, seq, epoch,
                    editedAt, deleted, counted, attachment, replyTo, replyCount, lastReplyAt, mentions);
        }
    }

    /**
     * How many members reacted to a message with one emoji, and whether the reader did.
     *
     * @param emoji the emoji
     * @param count how many members
     * @param me    whether the reader is one of them
     */
    record ReactionCount(String emoji, int count, boolean me) {
    }

    /** One member's reaction with one emoji. */
    record StoredReaction(UUID messageId, String emoji, long userId) {
    }

    /** A page of history and whether more lie beyond it. */
    record Page(List<StoredMessage> messages, boolean hasMore) {
    }

    /** @return the newest messages, newest first */
    Page latest(UUID channel, Instant createdAt, int limit) {
        return backwards(channel, createdAt, MessageBuckets.of(Instant.now().plus(CLOCK_SKEW)), null, limit);
    }

    /** @return messages older than the cursor, newest first (a cursor in the future reads from now) */
    Page before(UUID channel, Instant createdAt, UUID cursor, int limit) {
        int from = Math.min(MessageBuckets.of(cursor), MessageBuckets.of(Instant.now().plus(CLOCK_SKEW)));
        return backwards(channel, createdAt, from, cursor, limit);
    }

    /** @return messages newer than the cursor, oldest first (a cursor before the channel reads from its start) */
    Page after(UUID channel, Instant createdAt, UUID cursor, int limit) {
        List<StoredMessage> found = new ArrayList<>();
        int last = MessageBuckets.of(Instant.now().plus(CLOCK_SKEW));
        int first = Math.max(MessageBuckets.of(cursor), MessageBuckets.of(createdAt.minus(CLOCK_SKEW)));
        for (int bucket = first; bucket <= last && found.size() <= limit; bucket++) {
            int want = limit + 1 - found.size();
            List<Row> rows = bucket == MessageBuckets.of(cursor)
                    ? session.execute(newerThan.bind(channel, bucket, cursor, want)).all()
                    : session.execute(oldest.bind(channel, bucket, want)).all();
            rows.forEach(row -> found.add(message(row)));
        }
        return page(found, limit);
    }

    /** @return the stored message, if the channel has it (a message sent a moment ago may not be stored yet) */
    Optional<StoredMessage> message(UUID channel, UUID messageId) {
        return Optional.ofNullable(session.execute(one.bind(channel, MessageBuckets.of(messageId), messageId)).one())
                .map(History::message);
    }

    /**
     * Adds the reactions to a page of messages: one range query per bucket the page spans (usually
     * one), counted here. A deleted message shows none.
     *
     * @param page   the messages
     * @param reader whose reactions count as {@code me}
     * @return the page with reaction counts (emoji in the order first used)
     */
    Page withReactions(UUID channel, Page page, long reader) {
        if (page.messages().isEmpty()) {
            return page;
        }
        java.util.Map<Integer, List<StoredMessage>> byBucket = new java.util.TreeMap<>();
        page.messages().forEach(m -> byBucket.computeIfAbsent(MessageBuckets.of(m.messageId()), k -> new ArrayList<>()).add(m));
        java.util.Map<UUID, List<StoredReaction>> found = new java.util.HashMap<>();
        byBucket.forEach((bucket, messages) -> {
            UUID low = messages.stream().map(StoredMessage::messageId).min(dev.chat.common.store.TimeUuids::compare).orElseThrow();
            UUID high = messages.stream().map(StoredMessage::messageId).max(dev.chat.common.store.TimeUuids::compare).orElseThrow();
            for (Row row : session.execute(reactions.bind(channel, bucket, low, high))) {
                found.computeIfAbsent(row.getUuid("message_id"), k -> new ArrayList<>())
                        .add(new StoredReaction(row.getUuid("message_id"), row.getString("emoji"), row.getLong("user_id")));
            }
        });
        return new Page(page.messages().stream().map(m -> m.deleted() ? m
                : m.withReactions(count(found.getOrDefault(m.messageId(), List.of()), reader))).toList(), page.hasMore());
    }

    /** @return the reactions of one message */
    List<StoredReaction> reactionsOf(UUID channel, UUID messageId) {
        List<StoredReaction> all = new ArrayList<>();
        for (Row row : session.execute(reactions.bind(channel, MessageBuckets.of(messageId), messageId, messageId))) {
            all.add(new StoredReaction(messageId, row.getString("emoji"), row.getLong("user_id")));
        }
        return all;
    }

    private static List<ReactionCount> count(List<StoredReaction> reactions, long reader) {
        java.util.Map<String, int[]> counts = new java.util.LinkedHashMap<>();
        java.util.Set<String> mine = new java.util.HashSet<>();
        for (StoredReaction reaction : reactions) {
            counts.computeIfAbsent(reaction.emoji(), k -> new int[1])[0]++;
            if (reaction.userId() == reader) {
                mine.add(reaction.emoji());
            }
        }
        List<ReactionCount> result = new ArrayList<>();
        counts.forEach((emoji, n) -> result.add(new ReactionCount(emoji, n[0], mine.contains(emoji))));
        return result;
    }

    /** @return whether the channel has this message */
    boolean contains(UUID channel, UUID messageId) {
        return session.execute(one.bind(channel, MessageBuckets.of(messageId), messageId)).one() != null;
    }

    /** @return the channel's newest message, if any */
    Optional<StoredMessage> newestMessage(UUID channel, Instant createdAt) {
        return latest(channel, createdAt, 1).messages().stream().findFirst();
    }

    /**
     * Counts others' messages after a read position, up to a cap.
     *
     * @param lastRead the read position, or null for all
     * @param reader   whose own messages do not count
     * @param cap      stop counting here
     * @return the count, at most {@code cap}
     */
    int unread(UUID channel, Instant createdAt, UUID lastRead, long reader, int cap) {
        int count = 0;
        int top = MessageBuckets.of(Instant.now().plus(CLOCK_SKEW));
        int floor = Math.max(top - UNREAD_BUCKETS + 1, Math.max(MessageBuckets.of(createdAt.minus(CLOCK_SKEW)),
                lastRead == null ? Integer.MIN_VALUE : MessageBuckets.of(lastRead)));
        for (int bucket = top; bucket >= floor && count < cap; bucket--) {
            List<Row> rows = lastRead != null && bucket == MessageBuckets.of(lastRead)
                    ? session.execute(newerThan.bind(channel, bucket, lastRead, cap * 4)).all()
                    : session.execute(newest.bind(channel, bucket, cap * 4)).all();
            for (Row row : rows) {
                if (row.getLong("sender_id") != reader && ++count >= cap) {
                    break;
                }
            }
        }
        return Math.min(count, cap);
    }

    private Page backwards(UUID channel, Instant createdAt, int from, UUID cursor, int limit) {
        List<StoredMessage> found = new ArrayList<>();
        int floor = MessageBuckets.of(createdAt.minus(CLOCK_SKEW));
        for (int bucket = from; bucket >= floor && found.size() <= limit; bucket--) {
            int want = limit + 1 - found.size();
            List<Row> rows = cursor != null && bucket == from
                    ? session.execute(olderThan.bind(channel, bucket, cursor, want)).all()
                    : session.execute(newest.bind(channel, bucket, want)).all();
            rows.forEach(row -> found.add(message(row)));
        }
        return page(found, limit);
    }

    private static Page page(List<StoredMessage> found, int limit) {
        return found.size() > limit ? new Page(List.copyOf(found.subList(0, limit)), true) : new Page(List.copyOf(found), false);
    }

    private static StoredMessage message(Row row) {
        return new StoredMessage(row.getUuid("channel_id"), row.getUuid("message_id"), row.getLong("sender_id"),
                row.getString("client_id"), row.getString("content"), row.getString("msg_type"), row.getString("status"),
                row.getInstant("created_at"), row.isNull("seq") ? null : row.getLong("seq"), row.getString("epoch"),
                row.getInstant("edited_at"), "deleted".equals(row.getString("status")), List.of(),
                attachment(row.getString("attachment")), row.getUuid("reply_to"),
                row.isNull("reply_count") ? null : row.getInt("reply_count"), row.getInstant("last_reply_at"),
                row.isNull("mentions") ? List.of() : row.getList("mentions", Long.class));
    }

    private static Attachment attachment(String json) {
        try {
            return json == null ? null : Json.decode(json, Attachment.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null; // not written by this code: shown without its file
        }
    }
}
