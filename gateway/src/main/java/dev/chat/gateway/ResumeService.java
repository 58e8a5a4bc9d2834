package dev.chat.gateway;

import java.util.ArrayList;
import java.util.List;

import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.Resumed;
import dev.chat.common.wire.Resync;

/**
 * Answers {@code resume}: every event of the channel after the client's seq from the recovery
 * log, then {@code resumed}; or {@code resync} when the log cannot prove a contiguous answer.
 * Live events of the channel are held back meanwhile ({@link ResumeGate}). Thread-safe; blocks on
 * Redis (call it on the socket's virtual thread).
 */
final class ResumeService {

    private final Memberships memberships;
    private final RedisChannelSequencer channels;
    private final GatewayMetrics metrics;

    ResumeService(Memberships memberships, RedisChannelSequencer channels, GatewayMetrics metrics) {
        this.memberships = memberships;
        this.channels = channels;
        this.metrics = metrics;
    }

    /**
     * @param connection the socket
     * @param resume     the frame
     * @return an error to send, or null when the answer was queued
     */
    ErrorFrame resume(Connection connection, ClientFrame.Resume resume) {
        if (!memberships.isMember(resume.channelId(), connection.userId())) {
            return new ErrorFrame(ErrorCode.NOT_MEMBER, "not a member of channel " + resume.channelId(), null);
        }
        ResumeGate gate = connection.resumeGate(resume.channelId());
        gate.hold();
        RedisChannelSequencer.Replay replay;
        try {
            replay = channels.resume(resume.channelId(), resume.epoch(), resume.afterSeq());
        } catch (RuntimeException e) {
            gate.release(List.of(), null, 0);
            return new ErrorFrame(ErrorCode.UNAVAILABLE, "cannot read the recovery log now; retry", null);
        }
        List<String> frames = new ArrayList<>(replay.events().size() + 1);
        for (ChannelEvent event : replay.events()) {
            frames.add(Json.encode(event));
        }
        if (replay.resumed()) {
            frames.add(Json.encode(new Resumed(resume.channelId(), replay.epoch(), replay.seq())));
            gate.release(frames, replay.epoch(), replay.seq());
        } else {
            frames.add(Json.encode(new Resync(resume.channelId(), replay.epoch(), replay.seq())));
            // nothing is covered: the client pages history and keeps every live event from here
            gate.release(frames, replay.epoch(), 0);
        }
        metrics.resumed(replay.resumed());
        return null;
    }
}
