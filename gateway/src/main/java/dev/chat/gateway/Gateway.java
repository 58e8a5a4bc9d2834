package dev.chat.gateway;

import java.util.function.Supplier;

import dev.chat.common.auth.Credentials;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.channel.ChannelWriter;
import dev.chat.common.channel.EventLog;
import dev.chat.common.channel.Mentions;
import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.channel.SendPath;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ClientFrames;

/**
 * The gateway's real-time core, assembled once: registry, Redis fan-out, sessions, the frame
 * dispatcher and heartbeats. Makes one {@link ChatSocket} per connection; on shutdown it drains
 * ({@link GatewayDrain}: readiness off, 1012 spread over the window). Thread-safe.
 */
final class Gateway implements AutoCloseable {

    private final GatewaySettings settings;
    private final FanOut fanOut;
    private final Heartbeats heartbeats;
    private final PresenceSweeper sweeper;
    private final Sessions sessions;
    private final ConnectionRegistry registry;
    private final GatewayDrain drain;
    private final SetupThreads setup;
    private final Supplier<ChatSocket> sockets;

    private Gateway(GatewaySettings settings, FanOut fanOut, Heartbeats heartbeats, PresenceSweeper sweeper,
                    Sessions sessions, ConnectionRegistry registry, GatewayDrain drain, SetupThreads setup,
                    Supplier<ChatSocket> sockets) {
        this.settings = settings;
        this.fanOut = fanOut;
        this.heartbeats = heartbeats;
        this.sweeper = sweeper;
        this.sessions = sessions;
        this.registry = registry;
        this.drain = drain;
        this.setup = setup;
        this.sockets = sockets;
    }

    static Gateway create(GatewaySettings settings, RedisChannelSequencer.Settings channelSettings, Credentials credentials,
                          RedisConnection redis, Memberships memberships, Mentions mentions, SendPath.Files files,
                          EventLog log, GatewayMetrics metrics) {
        FanOut fanOut = new FanOut(redis);
        ConnectionRegistry registry = new ConnectionRegistry(fanOut);
        RedisChannelSequencer channels = new RedisChannelSequencer(redis, channelSettings, new TimeUuids());
        Presence presence = new Presence(redis.client(), fanOut, settings.presenceTtl());
        Sessions sessions = new Sessions(settings, metrics, registry, memberships, presence, channels);
        GatewayDrain drain = new GatewayDrain(sessions, settings);
        fanOut.onMessage(new EventRouter(registry, memberships, metrics, drain::requested)::route);
        fanOut.subscribe(ChannelKeys.MEMBERSHIPS);
        metrics.connections(registry::size);
        credentials.apiTokens().onRevoked(sessions::tokenRevoked);
        credentials.deactivated().onDeactivated(sessions::userDeactivated);
        FrameDispatcher dispatcher = new FrameDispatcher(new ClientFrames(settings.maxContentChars(), settings.maxPresenceUsers()),
                new SendPath(memberships, mentions, files, new ChannelWriter(channels, log, metrics)),
                new TypingRelay(memberships, fanOut, settings.typingExpiry(), settings.typingInterval()), presence,
                new PresenceWatch(registry, presence, memberships, settings.maxPresenceUsers()),
                new ResumeService(memberships, channels, metrics));
        SetupThreads setup = new SetupThreads();
        return new Gateway(settings, fanOut, new Heartbeats(registry, settings, metrics),
                new PresenceSweeper(presence, settings.presenceSweep()), sessions, registry, drain, setup,
                () -> new ChatSocket(credentials, setup, sessions, dispatcher, settings, metrics));
    }

    /**
     * Names this gateway for drain requests and says what follows one.
     *
     * @param name                its name in the directory
     * @param afterRequestedDrain e.g. exit the process
     */
    void identify(String name, Runnable afterRequestedDrain) {
        drain.identify(name, afterRequestedDrain);
    }

    /** @return readiness: down from the moment a drain starts */
    GatewayDrain drainCheck() {
        return drain;
    }

    /** @return whether it drains */
    boolean draining() {
        return drain.draining();
    }

    /** @return open sockets */
    int sockets() {
        return registry.size();
    }

    /** @return users with an open socket */
    int users() {
        return registry.users();
    }

    /** @return the prefix of this process's socket ids */
    String instanceId() {
        return sessions.instanceId();
    }

    /** @return a listener for a new connection */
    ChatSocket newSocket() {
        return sockets.get();
    }

    GatewaySettings settings() {
        return settings;
    }

    @Override
    public void close() {
        drain.run(settings.drainWindow());
        heartbeats.close();
        sweeper.close();
        sessions.closeAll();
        setup.close();
        fanOut.close();
    }
}
