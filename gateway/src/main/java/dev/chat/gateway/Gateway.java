package dev.chat.gateway;

import dev.chat.common.send.MessageLog;

import dev.chat.common.send.SendPath;

import dev.chat.common.ChannelKeys;
import dev.chat.common.ChannelLog;
import dev.chat.common.TimeUuids;
import dev.chat.common.auth.Credentials;
import dev.chat.common.wire.ClientFrames;
import dev.chat.common.RedisConnection;

/**
 * The gateway's real-time core, assembled once: registry, Redis fan-out, sessions, the frame
 * handlers and heartbeats. Makes one {@link ChatSocket} per connection and closes every socket
 * (1001) on shutdown. Thread-safe.
 */
final class Gateway implements AutoCloseable {

    private final GatewaySettings settings;
    private final FanOut fanOut;
    private final Heartbeats heartbeats;
    private final PresenceSweeper sweeper;
    private final Sessions sessions;
    private final ChatSocket.Handlers handlers;

    private Gateway(GatewaySettings settings, FanOut fanOut, Heartbeats heartbeats, PresenceSweeper sweeper,
                    Sessions sessions, ChatSocket.Handlers handlers) {
        this.settings = settings;
        this.fanOut = fanOut;
        this.heartbeats = heartbeats;
        this.sweeper = sweeper;
        this.sessions = sessions;
        this.handlers = handlers;
    }

    static Gateway create(GatewaySettings settings, ChannelLog.Settings logSettings, Credentials credentials,
                          RedisConnection redis, Memberships memberships, MessageLog log, GatewayMetrics metrics) {
        FanOut fanOut = new FanOut(redis, metrics);
        ConnectionRegistry registry = new ConnectionRegistry(fanOut);
        fanOut.onMessage(new EventRouter(registry, memberships, metrics)::route);
        fanOut.subscribe(ChannelKeys.MEMBERSHIPS);
        metrics.connections(registry::size);
        ChannelLog channels = new ChannelLog(redis, logSettings, new TimeUuids());
        Presence presence = new Presence(redis.client(), fanOut, settings.presenceTtl());
        Sessions sessions = new Sessions(settings, metrics, registry, memberships, presence, channels);
        credentials.apiTokens().onRevoked(sessions::tokenRevoked);
        credentials.deactivated().onDeactivated(sessions::userDeactivated);
        ChatSocket.Handlers handlers = new ChatSocket.Handlers(credentials,
                new ClientFrames(settings.maxContentChars(), settings.maxPresenceUsers()), settings,
                metrics, sessions, new SendPath(memberships, channels, log, metrics),
                new TypingRelay(memberships, fanOut, settings.typingExpiry(), settings.typingInterval()), presence,
                new PresenceWatch(registry, presence, memberships, settings.maxPresenceUsers()),
                new ResumeService(memberships, channels, metrics));
        return new Gateway(settings, fanOut, new Heartbeats(registry, settings, metrics),
                new PresenceSweeper(presence, settings.presenceSweep()), sessions, handlers);
    }

    /** @return a listener for a new connection */
    ChatSocket newSocket() {
        return new ChatSocket(handlers);
    }

    GatewaySettings settings() {
        return settings;
    }

    @Override
    public void close() {
        heartbeats.close();
        sweeper.close();
        sessions.closeAll();
        fanOut.close();
    }
}
