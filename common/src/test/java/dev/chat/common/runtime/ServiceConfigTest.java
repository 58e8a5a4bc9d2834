package dev.chat.common.runtime;

import java.net.ServerSocket;
import java.util.Map;

import io.helidon.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceConfigTest {

    @Test
    void sharedDefaultsComeFromChatCommonYaml() {
        BackendSettings settings = BackendSettings.create(ServiceConfig.load());
        assertThat(settings.redisAddress()).isEqualTo("redis://127.0.0.1:16379");
        assertThat(settings.messagesTopic()).isEqualTo("chat-messages");
        assertThat(settings.cassandraContactPoints()).containsExactly("127.0.0.1:19042");
    }

    @Test
    void overridesWinOverFiles() {
        BackendSettings settings = BackendSettings.create(ServiceConfig.load(Map.of(
                "kafka.bootstrap", "k1:9092,k2:9092",
                "cassandra.contactpoints", "c1:9042, c2:9042")));
        assertThat(settings.kafkaBootstrap()).isEqualTo("k1:9092,k2:9092");
        assertThat(settings.cassandraContactPoints()).containsExactly("c1:9042", "c2:9042");
    }

    @Test
    void badRedisAddressFailsNamingKeyAndVariable() {
        assertThatThrownBy(() -> BackendSettings.create(ServiceConfig.load(Map.of("redis.address", "localhost:6379"))))
                .hasMessageContaining("redis.address").hasMessageContaining("REDIS_ADDRESS");
    }

    @Test
    void badPoolSizeFailsNamingKey() {
        assertThatThrownBy(() -> BackendSettings.create(ServiceConfig.load(Map.of("postgres.poolsize", "lots"))))
                .hasMessageContaining("postgres.poolsize").hasMessageContaining("POSTGRES_POOLSIZE");
    }

    @Test
    void kafkaHealthIsDownWhenNoBrokerAnswers() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        BackendSettings settings = BackendSettings.create(ServiceConfig.load(
                Map.of("kafka.bootstrap", "127.0.0.1:" + deadPort)));
        try (KafkaHealth health = new KafkaHealth(settings)) {
            assertThat(health.call().status()).isEqualTo(HealthCheckResponse.Status.DOWN);
        }
    }
}
