package dev.chat.gateway;

import java.time.Duration;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.TypingEvent;

/**
 * Fans typing indicators out to a channel's members; never stored. One socket's {@code start} for
 * a channel goes out at most once per interval, a {@code stop} only after a start (more are
 * dropped: each costs a fan-out to the whole channel). Thread-safe.
 */
final class TypingRelay {

    private final Memberships memberships;
    private final FanOut fanOut;
    private final Duration expiry;
    private final Duration interval;

    TypingRelay(Memberships memberships, FanOut fanOut, Duration expiry, Duration interval) {
        this.memberships = memberships;
        this.fanOut = fanOut;
        this.expiry = expiry;
        this.interval = interval;
    }

    /**
     * @param connection who is typing
     * @param typing     the frame
     * @return an error to send, or null (also when it is dropped as too frequent)
     */
    ErrorFrame typing(Connection connection, ClientFrame.Typing typing) {
        long userId = connection.userId();
        if (!memberships.isMember(typing.channelId(), userId)) {
            return new ErrorFrame(ErrorCode.NOT_MEMBER, "not a member of channel " + typing.channelId(), null);
        }
        if (memberships.readOnly(typing.channelId(), userId)
                || !connection.typingAllowed(typing.channelId(), typing.start(), interval)) {
            return null; // blocked, or an indicator went out moments ago: the channel does not need another
        }
        fanOut.publish(ChannelKeys.topic(typing.channelId()), new TypingEvent(typing.channelId(), userId,
                typing.start() ? "start" : "stop", expiry.toMillis()));
        return null;
    }
}
