package dev.chat.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.Hello;

/**
 * The channel operations behind the REST api: creating group and direct channels, listing a
 * user's channels with unread counts, history, adding members, read positions. Every operation on
 * a channel checks membership first (404 if it does not exist, 403 if the caller is not in it).
 * Consent: a group's members are added by its owner or an administrator (or by any member when the
 * group allows it), never a user who blocks the one adding them; no direct channel between two
 * users when either blocks the other. Thread-safe.
 */
final class ChannelService {

    /** Unread counts stop here; the list says when a count was capped. */
    static final int UNREAD_CAP = 100;
    /** A read position this recent is taken as it is: its message may not be stored yet. */
    static final java.time.Duration IN_FLIGHT = java.time.Duration.ofSeconds(60);
    /** How far ahead of this clock an in-flight position may be (another machine minted it). */
    static final java.time.Duration IN_FLIGHT_AHEAD = java.time.Duration.ofSeconds(5);

    private final ChannelStore store;
    private final History history;
    private final Events events;
    private final RedisChannelSequencer positions;
    private final ApiSettings settings;

    /**
     * @param positions where channels stand in their sequence and the members' unread mentions
     *                  (the per-channel state in Redis)
     */
    ChannelService(ChannelStore store, History history, Events events, RedisChannelSequencer positions, ApiSettings settings) {
        this.store = store;
        this.history = history;
        this.events = events;
        this.positions = positions;
        this.settings = settings;
    }

    /** A created (or, for a direct pair, found) channel. */
    record Created(UUID channelId, String name, String type, boolean isNew) {
    }

    /** One of the caller's channels as listed. */
    record Summary(UUID channelId, String name, String type, int unreadCount, boolean unreadCapped,
                   UUID lastMessageId, Instant lastMessageAt, UUID lastReadMessageId, String epoch, long seq,
                   int mentionCount) {
    }

    /**
     * @param anyoneCanAdd for a group: whether every member may add members (else only its owner,
     *                     the caller, and administrators)
     */
    Created create(long caller, String name, String type, List<Long> memberIds, boolean anyoneCanAdd) {
        // the request's shape first, then what needs the database
        if (!type.equals("direct") && !type.equals("group")) {
            throw ApiProblem.badRequest("type", "'type' must be direct or group");
        }
        if (type.equals("group") && name == null) {
            throw ApiProblem.badRequest("name", "a group channel needs a 'name'");
        }
        if (!memberIds.contains(caller)) {
            throw ApiProblem.badRequest("member_ids", "the creator (user " + caller + ") must be among 'member_ids'");
        }
        if (memberIds.size() > settings.maxMembersPerRequest()) {
            throw ApiProblem.badRequest("member_ids", "at most " + settings.maxMembersPerRequest()
                    + " members per request (api.maxmembersperrequest); add more with POST /channels/{id}/members");
        }
        for (long member : memberIds) {
            if (store.userById(member).isEmpty()) {
                throw ApiProblem.badRequest("member_ids", "no user " + member);
            }
        }
        return switch (type) {
            case "direct" -> direct(caller, name, memberIds);
            case "group" -> {
                var blockers = store.blockersOf(caller);
                for (long member : memberIds) {
                    if (blockers.contains(member)) {
                        throw notAccepting(member);
                    }
                }
                UUID id = UUID.randomUUID();
                store.createChannel(id, name, "group", caller, null, caller, anyoneCanAdd, memberIds);
                memberIds.forEach(member -> events.memberJoined(id, member, false));
                yield new Created(id, name, "group", true);
            }
            default -> throw ApiProblem.badRequest("type", "'type' must be direct or group");
        };
    }

    private Created direct(long caller, String name, List<Long> memberIds) {
        if (memberIds.size() != 2) {
            throw ApiProblem.badRequest("member_ids", "a direct channel has exactly two members (the creator and one other)");
        }
        long a = Math.min(memberIds.get(0), memberIds.get(1));
        long b = Math.max(memberIds.get(0), memberIds.get(1));
        if (store.blockedBetween(a, b)) {
            long other = a == caller ? b : a;
            throw ApiProblem.forbidden("you and user " + other + " cannot message each other: one of you blocks the other");
        }
        String key = a + ":" + b;
        var existing = store.directChannel(key);
        if (existing.isPresent()) {
            return new Created(existing.get().id(), existing.get().name(), "direct", false);
        }
        UUID id = UUID.randomUUID();
        String channelName = name == null ? "direct " + key : name;
        if (!store.createChannel(id, channelName, "direct", caller, key, null, false, List.of(a, b))) {
            var raced = store.directChannel(key).orElseThrow();
            return new Created(raced.id(), raced.name(), "direct", false);
        }
        events.memberJoined(id, a, false);
        events.memberJoined(id, b, false);
        return new Created(id, channelName, "direct", true);
    }

    /**
     * A page of the caller's channels.
     *
     * @param channels the channels with unread counts
     * @param next     the cursor of the next page, null on the last
     */
    record Listing(List<Summary> channels, String next) {
    }

    /**
     * @param caller the user
     * @param cursor where the page starts ({@link #cursor}), null for the first
     * @param limit  most channels (each costs a few Cassandra reads for its unread count)
     * @return the page, oldest channel first
     */
    Listing list(long caller, String cursor, int limit) {
        List<ChannelStore.UserChannel> page = store.channelsOf(caller, decodeCursor(cursor), limit + 1);
        boolean more = page.size() > limit;
        List<ChannelStore.UserChannel> shown = more ? page.subList(0, limit) : page;
        return new Listing(summaries(caller, shown), more ? cursor(shown.getLast().channel()) : null);
    }

    /** @return an opaque cursor: the channel's creation time and id */
    static String cursor(ChannelStore.Channel last) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.createdAt() + "|" + last.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ChannelStore.Channel decodeCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String[] parts = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\\|", 2);
            return new ChannelStore.Channel(UUID.fromString(parts[1]), null, null, Instant.parse(parts[0]), null, false);
        } catch (RuntimeException e) {
            throw ApiProblem.badRequest("cursor", "'cursor' is not a cursor this api handed out (next_cursor)");
        }
    }

    /**
     * Renames a group or changes who may add members: its owner and administrators may. Members
     * learn it at once ({@code channel_updated}).
     *
     * @return the channel as it is now
     */
    ChannelStore.Channel update(long caller, UUID channelId, String name, Boolean anyoneCanAdd) {
        boolean admin = settings.admins().contains(caller);
        ChannelStore.Channel channel = admin ? existingChannel(channelId) : memberChannel(caller, channelId);
        if (!"group".equals(channel.type())) {
            throw ApiProblem.forbidden("direct channels cannot be renamed");
        }
        if (!admin && (channel.ownerId() == null || channel.ownerId() != caller)) {
            throw ApiProblem.forbidden("only the channel's owner and administrators change it");
        }
        store.updateChannel(channelId, name, anyoneCanAdd);
        ChannelStore.Channel updated = existingChannel(channelId);
        events.channelUpdated(updated.id(), updated.name(), updated.anyoneCanAdd(), caller);
        return updated;
    }

    private List<Summary> summaries(long caller, List<ChannelStore.UserChannel> channels) {
        List<Summary> summaries = new ArrayList<>();
        Map<UUID, Hello.ChannelHead> heads = new java.util.HashMap<>();
        positions.heads(channels.stream().map(mine -> mine.channel().id()).toList(), caller)
                .forEach(head -> heads.put(head.channelId(), head));
        for (ChannelStore.UserChannel mine : channels) {
            ChannelStore.Channel channel = mine.channel();
            Hello.ChannelHead head = heads.get(channel.id());
            var newest = history.newestMessage(channel.id(), channel.createdAt());
            int unread = history.unread(channel.id(), channel.createdAt(), mine.lastReadMessageId(), caller, UNREAD_CAP);
            summaries.add(new Summary(channel.id(), channel.name(), channel.type(), unread, unread >= UNREAD_CAP,
                    newest.map(History.StoredMessage::messageId).orElse(null),
                    newest.map(History.StoredMessage::createdAt).orElse(null), mine.lastReadMessageId(),
                    head == null ? null : head.epoch(), head == null ? 0 : head.seq(), head == null ? 0 : head.mentionCount()));
        }
        return summaries;
    }

    History.Page history(long caller, UUID channelId, UUID before, UUID after, int limit) {
        ChannelStore.Channel channel = memberChannel(caller, channelId);
        History.Page page;
        if (after != null) {
            page = history.after(channelId, channel.createdAt(), after, limit);
        } else if (before != null) {
            page = history.before(channelId, channel.createdAt(), before, limit);
        } else {
            page = history.latest(channelId, channel.createdAt(), limit);
        }
        return history.withReactions(channelId, page, caller);
    }

    /**
     * A page of a thread (the replies to a root, oldest first), with reactions.
     *
     * @param root  a message of the channel
     * @param after the last reply the caller has, or null
     */
    History.Page replies(long caller, UUID channelId, UUID root, UUID after, int limit) {
        memberChannel(caller, channelId);
        if (history.message(channelId, root).isEmpty()) {
            throw ApiProblem.notFound("no message " + root + " in channel " + channelId);
        }
        return history.withReactions(channelId, history.replies(channelId, root, after, limit), caller);
    }

    /**
     * Adds a member: the group's owner and administrators (api.admins, member or not) may; other
     * members only when the group allows it; never a user who blocks the caller.
     */
    void addMember(long caller, UUID channelId, long userId) {
        boolean admin = settings.admins().contains(caller);
        ChannelStore.Channel channel = admin ? existingChannel(channelId) : memberChannel(caller, channelId);
        if ("direct".equals(channel.type())) {
            throw ApiProblem.conflict("a direct channel has exactly two members; create a group instead");
        }
        boolean owner = channel.ownerId() != null && channel.ownerId() == caller;
        if (!owner && !admin && !channel.anyoneCanAdd()) {
            throw ApiProblem.forbidden("only the channel's owner adds members to channel " + channelId
                    + " (it was not created with anyone_can_add)");
        }
        if (store.userById(userId).isEmpty()) {
            throw ApiProblem.notFound("no user " + userId);
        }
        if (store.blockersOf(caller).contains(userId)) {
            throw notAccepting(userId);
        }
        if (store.addMember(channelId, userId)) {
            events.memberJoined(channelId, userId, true);
        }
    }

    /** A channel's details for a member. */
    record Details(ChannelStore.Channel channel, List<ChannelStore.Member> members) {
    }

    Details details(long caller, UUID channelId) {
        return new Details(memberChannel(caller, channelId), store.members(channelId));
    }

    /**
     * Removes a member: the caller themselves (leaving) or, by the group's owner or an
     * administrator, anyone. Direct channels cannot be left. When the owner leaves, the
     * longest-standing member becomes owner. Members and the gateways hear {@code member_left}.
     */
    void removeMember(long caller, UUID channelId, long userId) {
        boolean admin = settings.admins().contains(caller);
        ChannelStore.Channel channel = admin || caller != userId ? existingChannel(channelId) : memberChannel(caller, channelId);
        if ("direct".equals(channel.type())) {
            throw ApiProblem.forbidden("a direct channel cannot be left; block the other person instead");
        }
        boolean owner = channel.ownerId() != null && channel.ownerId() == caller;
        if (caller != userId && !owner && !admin) {
            throw ApiProblem.forbidden("only the channel's owner removes other members");
        }
        boolean removingOwner = channel.ownerId() != null && channel.ownerId() == userId;
        if (!store.removeMember(channelId, userId, removingOwner)) {
            throw ApiProblem.notFound("user " + userId + " is not a member of channel " + channelId);
        }
        events.memberLeft(channelId, userId);
    }

    /**
     * Moves the caller's read position forward (never back); the same position again is harmless.
     * The position must name a message of the channel; one that does not (another channel's, made
     * up, in the future) is clamped to the channel's newest message before it, except for a message
     * of the last {@link #IN_FLIGHT} (it may still be on its way to storage).
     *
     * @return the position now stored
     */
    UUID markRead(long caller, UUID channelId, UUID requested) {
        ChannelStore.Channel channel = memberChannel(caller, channelId);
        UUID messageId = readable(channel, requested);
        while (true) {
            UUID current = store.membership(channelId, caller).orElseThrow().lastReadMessageId();
            if (messageId == null || current != null && TimeUuids.compare(messageId, current) <= 0) {
                return current;
            }
            if (store.moveReadPosition(channelId, caller, current, messageId)) {
                events.readReceipt(channelId, caller, messageId);
                try {
                    positions.mentionsRead(channelId, caller, messageId);
                } catch (RuntimeException e) { // Redis away: the count stays until the next read
                    System.getLogger(ChannelService.class.getName()).log(System.Logger.Level.WARNING,
                            "mentions of {0} in {1} not cleared: {2}", caller, channelId, e.toString());
                }
                return messageId;
            }
            // another request moved it meanwhile: compare again
        }
    }

    /** @return the position to store for {@code requested}, or null if the channel has no message up to it */
    private UUID readable(ChannelStore.Channel channel, UUID requested) {
        Instant at = TimeUuids.instant(requested);
        Instant now = Instant.now();
        if (at.isAfter(now.minus(IN_FLIGHT)) && !at.isAfter(now.plus(IN_FLIGHT_AHEAD))) {
            return requested;
        }
        if (history.contains(channel.id(), requested)) {
            return requested;
        }
        return history.before(channel.id(), channel.createdAt(), requested, 1).messages().stream()
                .map(History.StoredMessage::messageId).findFirst().orElse(null);
    }

    List<ChannelStore.ReadPosition> readPositions(long caller, UUID channelId) {
        memberChannel(caller, channelId);
        return store.readPositions(channelId);
    }

    private static ApiProblem notAccepting(long userId) {
        return ApiProblem.forbidden("user " + userId + " does not accept channels from you");
    }

    private ChannelStore.Channel existingChannel(UUID channelId) {
        return store.channel(channelId).orElseThrow(() -> ApiProblem.notFound("no channel " + channelId));
    }

    private ChannelStore.Channel memberChannel(long caller, UUID channelId) {
        ChannelStore.Channel channel = existingChannel(channelId);
        if (store.membership(channelId, caller).isEmpty()) {
            throw ApiProblem.forbidden("not a member of channel " + channelId);
        }
        return channel;
    }
}
