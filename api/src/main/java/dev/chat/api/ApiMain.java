package dev.chat.api;

import java.util.List;

import dev.chat.common.auth.BotAccounts;
import dev.chat.common.auth.Credentials;
import dev.chat.common.channel.ChannelWriter;
import dev.chat.common.channel.KafkaEventLog;
import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.files.FileStore;
import dev.chat.common.store.MemberMentions;
import dev.chat.common.channel.SendPath;
import dev.chat.common.outbound.OutboundTargets;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.KafkaHealth;
import dev.chat.common.runtime.ReadinessCheck;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ClientFrames;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.staticcontent.StaticContentService;

/**
 * Starts the REST api: PostgreSQL (channels, members, users), Cassandra (history), Redis
 * (presence, real-time events). Wiring only.
 */
public final class ApiMain {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = java.util.stream.Stream.of(ChannelRoutes.ROUTES, UserRoutes.ROUTES,
            BlockRoutes.ROUTES, BotRoutes.ROUTES, WebhookRoutes.ROUTES, PushRoutes.ROUTES, FileRoutes.ROUTES).flatMap(List::stream).toList();

    private ApiMain() {
    }

    /**
     * @param args ignored; configuration comes from application.yaml and the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        start(ServiceConfig.load());
    }

    /**
     * Connects the clients and starts the server; closing the result stops it all as SIGTERM does.
     * Tests start the api through here.
     *
     * @param config configuration root
     * @return the running service
     */
    static ServiceRuntime start(Config config) {
        BackendSettings backends = BackendSettings.create(config);
        ApiSettings settings = ApiSettings.create(config);
        ServiceRuntime runtime = new ServiceRuntime("api");
        try {
            Database database = runtime.own(Database.open(backends, config.get("db.statements")));
            Credentials credentials = Credentials.create(config, database.dataSource());
            runtime.own(credentials);
            CassandraConnection cassandra = runtime.own(CassandraConnection.open("api", backends));
            RedisConnection redis = runtime.own(RedisConnection.open("api", backends));
            KafkaHealth kafka = runtime.own(new KafkaHealth(backends));
            kafka.probeEvery(java.time.Duration.ofSeconds(2));
            KafkaEventLog log = runtime.own(KafkaEventLog.open("api", backends, settings.kafkaSendTimeout(),
                    settings.kafkaRetryWindow(), kafka::lastKnownUp));
            ChannelStore store = new ChannelStore(database.client());
            Events events = new Events(redis.topics());
            SendPath.Access access = new SendPath.Access() {
                @Override
                public boolean isMember(java.util.UUID channelId, long userId) {
                    return store.membership(channelId, userId).isPresent();
                }

                @Override
                public boolean readOnly(java.util.UUID channelId, long userId) {
                    return store.directBlocked(channelId, userId);
                }
            };
            RedisChannelSequencer sequencer = new RedisChannelSequencer(redis, RedisChannelSequencer.Settings.create(config),
                    new TimeUuids());
            ChannelWriter writer = new ChannelWriter(sequencer, log, ChannelWriter.Meters.NONE);
            java.util.Optional<FileStore> files = FileStore.create(config).map(runtime::own);
            SendPath sendPath = new SendPath(access, new MemberMentions(database.dataSource(), settings.admins(), redis.client()),
                    files.<SendPath.Files>map(fileStore -> fileStore::check).orElse(SendPath.Files.NONE), writer);
            ClientFrames frames = new ClientFrames(settings.maxContentChars(), 1);
            MessageSender sender = new MessageSender(sendPath, frames, store);
            History history = new History(cassandra.session());
            MessageEditor editor = new MessageEditor(store, history, writer, frames, settings, new DeletedFiles(sequencer, files));
            ChannelService channels = new ChannelService(store, history, events, sequencer, settings);
            UserRoutes users = new UserRoutes(store, new PresenceReader(redis.client()), credentials.jwts(), settings,
                    credentials.deactivated()::isDeactivated);
            // Kafka is needed only by POST /channels/{id}/messages: shown, but the api stays ready without it
            List<HealthCheck> checks = List.of(database.health(), cassandra.health(), redis.health(),
                    ReadinessCheck.informational("kafka", kafka::lastKnownUp, "sending messages over REST (503)"));
            ObserveFeature observe = ServiceRuntime.observe(config, checks);
            BotRoutes bots = new BotRoutes(new BotAccounts(database.dataSource()), store, settings);
            FileRoutes fileRoutes = new FileRoutes(files, store, settings);
            runtime.start(config.get("server"), server -> setup(server, settings, credentials,
                    new ChannelRoutes(channels, sender, editor), new WebhookRoutes(new WebhookStore(database.client()), store,
                            OutboundTargets.create(config), settings), new BlockRoutes(store, events), users, bots,
                    new PushRoutes(database.client(), OutboundTargets.create(config)), fileRoutes, observe));
            return runtime;
        } catch (RuntimeException e) {
            runtime.close(); // whatever was opened before the failure
            throw e;
        }
    }

    /**
     * The web server's wiring.
     *
     * @param server      server builder
     * @param settings    the api's settings (rate limit)
     * @param credentials bearer token checks
     * @param channels    /api/v1/channels
     * @param webhooks    /api/v1/channels/{id}/webhooks
     * @param blocks      /api/v1/blocks
     * @param users       /api/v1/users and /api/v1/dev/login
     * @param bots        /api/v1/bots and /api/v1/tokens
     * @param push        /api/v1/push
     * @param files       /api/v1/channels/{id}/uploads and /files
     * @param observe     health and metrics (ServiceRuntime.observe)
     */
    /** @return what the browser client needs: the gateways, and the VAPID key when push is on */
    private static java.util.Map<String, Object> clientConfig(ApiSettings settings) {
        java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
        config.put("gateways", settings.clientGateways());
        config.put("vapid_public_key", settings.vapidPublicKey());
        return config;
    }

    private static void setup(WebServerConfig.Builder server, ApiSettings settings, Credentials credentials,
                              ChannelRoutes channels, WebhookRoutes webhooks, BlockRoutes blocks, UserRoutes users, BotRoutes bots,
                              PushRoutes push, FileRoutes files, ObserveFeature observe) {
        server.addFeature(observe);
        // the document at /openapi is META-INF/openapi.yaml; ApiOpenApiIT keeps it true to the routes
        server.addFeature(OpenApiFeature.create());
        server.routing(routing -> {
            routing.addFilter(new SecurityHeaders(settings.clientGateways(), files.origin()));
            routing.addFilter(new RequestMetrics(Metrics.globalRegistry(),
                    ROUTES));
            routing.addFilter(new Authentication(credentials, new RateLimiter(settings.ratePerSecond(), settings.rateBurst())));
            Problems.register(routing);
            routing.register("/api/v1/channels", channels, webhooks, files);
            routing.register("/api/v1/blocks", blocks);
            routing.register("/api/v1", users, bots);
            routing.register("/api/v1/push", push);
            // the browser client (static files from the jar) and where it finds the gateways
            routing.get("/client-config.json", (request, response) -> ChannelRoutes.json(response,
                    io.helidon.http.Status.OK_200, clientConfig(settings)));
            routing.register("/", StaticContentService.builder("web").welcomeFileName("index.html").build());
        });
    }
}
