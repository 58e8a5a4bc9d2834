package dev.chat.persister;

import dev.chat.common.BackendSettings;
import dev.chat.common.ServiceConfig;
import io.helidon.config.Config;

/**
 * The persister's settings, validated at start-up.
 *
 * @param bootstrap Kafka brokers
 * @param topic     the messages topic
 * @param deadLetterTopic where unusable records go
 * @param group     the consumer group
 * @param maxBatch  most records stored per poll
 * @param sessionTimeoutMillis how long the group waits for a silent member before moving its partitions
 */
record PersisterSettings(String bootstrap, String topic, String deadLetterTopic, String group, int maxBatch,
                         int sessionTimeoutMillis) {

    static PersisterSettings create(Config config, BackendSettings backends) {
        return new PersisterSettings(backends.kafkaBootstrap(), backends.messagesTopic(), backends.deadLetterTopic(),
                ServiceConfig.required(config, "persister.group"),
                ServiceConfig.positiveInt(config, "persister.maxbatch", 2000),
                ServiceConfig.positiveInt(config, "persister.sessiontimeoutmillis", 10_000));
    }
}
