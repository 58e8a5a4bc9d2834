package dev.chat.common.channel;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.store.TimeUuids;

/**
 * Where the per-channel step put an event: its {@code epoch} and {@code seq}, and the time it
 * minted (strictly increasing within the channel, in whole seconds plus 100-nanosecond units so
 * that Redis' Lua, whose numbers are doubles, keeps it exact). With the TIMEUUID's lower half
 * (clock sequence and node) of the instance that accepted the write, it makes the message_id, so
 * message_id order equals seq order within a channel. Written as a header line
 * {@code "<epoch> <seq> <seconds> <fraction> <node-hex>"}.
 *
 * @param epoch    names the channel's current sequence
 * @param seq      1, 2, 3, … within the epoch
 * @param seconds  Unix seconds of the minted time
 * @param fraction 100-nanosecond units within that second (0 … 9,999,999)
 * @param node     the TIMEUUID's lower 64 bits (variant, clock sequence, node)
 */
public record ChannelPosition(String epoch, long seq, long seconds, long fraction, long node) {

    /**
     * @param header a header as {@link #header()} writes it
     * @return the position
     * @throws IllegalArgumentException if it is not one
     */
    public static ChannelPosition parse(String header) {
        String[] parts = header.split(" ", -1);
        if (parts.length != 5 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("not a channel position: " + header);
        }
        return new ChannelPosition(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                Long.parseLong(parts[3]), Long.parseUnsignedLong(parts[4], 16));
    }

    /** @return the header line */
    public String header() {
        return epoch + " " + seq + " " + seconds + " " + fraction + " " + Long.toHexString(node);
    }

    /** @return the TIMEUUID of a message created at this position */
    public UUID messageId() {
        return TimeUuids.ofUnixTime(seconds * 10_000_000L + fraction, node);
    }

    /** @return the minted time, to the millisecond (as Cassandra's timestamp keeps it) */
    public Instant createdAt() {
        return Instant.ofEpochMilli(seconds * 1000 + fraction / 10_000);
    }
}
