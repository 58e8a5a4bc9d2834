package dev.chat.gateway;

import java.time.Duration;

import dev.chat.common.ChannelKeys;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.TypingEvent;

/** Fans typing indicators out to a channel's members; never stored. Thread-safe. */
final class TypingRelay {

    private final Memberships memberships;
    private final FanOut fanOut;
    private final Duration expiry;

    TypingRelay(Memberships memberships, FanOut fanOut, Duration expiry) {
        this.memberships = memberships;
        this.fanOut = fanOut;
        this.expiry = expiry;
    }

    /**
     * @param userId who is typing
     * @param typing the frame
     * @return an error to send, or null
     */
    ErrorFrame typing(long userId, ClientFrame.Typing typing) {
        if (!memberships.isMember(typing.channelId(), userId)) {
            return new ErrorFrame(ErrorCode.NOT_MEMBER, "not a member of channel " + typing.channelId(), null);
        }
        fanOut.publish(ChannelKeys.topic(typing.channelId()), new TypingEvent(typing.channelId(), userId,
                typing.start() ? "start" : "stop", expiry.toMillis()));
        return null;
    }
}
