package dev.chat.persister;

import java.time.Duration;

import dev.chat.common.feed.FeedSettings;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;

/**
 * The persister's settings ({@code persister.*} in application.yaml), validated at start-up.
 *
 * @param bootstrap            Kafka brokers
 * @param deadLetterTopic      where unusable records go
 * @param sessionTimeoutMillis how long the group waits for a silent member before moving its partitions
 * @param feed                 how it reads chat-messages: topic, group, batch, fetch sizes, commits
 * @param partitionsPerRequest most Cassandra partitions written by one request (an unlogged batch)
 */
record PersisterSettings(String bootstrap, String deadLetterTopic, int sessionTimeoutMillis, FeedSettings feed,
                         int partitionsPerRequest) {

    static PersisterSettings create(Config config, BackendSettings backends) {
        return new PersisterSettings(backends.kafkaBootstrap(), backends.deadLetterTopic(),
                ServiceConfig.positiveInt(config, "persister.sessiontimeoutmillis", 10_000),
                new FeedSettings(backends.messagesTopic(), ServiceConfig.required(config, "persister.group"),
                        ServiceConfig.positiveInt(config, "persister.maxbatch", 2000),
                        ServiceConfig.intBetween(config, "persister.fetchminbytes", 65_536, 1, 52_428_800),
                        Duration.ofMillis(ServiceConfig.intBetween(config, "persister.fetchmaxwaitmillis", 200, 0, 10_000)),
                        Duration.ofSeconds(ServiceConfig.positiveInt(config, "persister.commitsyncseconds", 5))),
                ServiceConfig.intBetween(config, "persister.partitionsperrequest", 16, 1, 100));
    }
}
