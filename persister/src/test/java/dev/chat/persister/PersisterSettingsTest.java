package dev.chat.persister;

import java.time.Duration;
import java.util.Map;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PersisterSettingsTest {

    private static PersisterSettings settings(Map<String, String> overrides) {
        Config config = ServiceConfig.load(overrides);
        return PersisterSettings.create(config, BackendSettings.create(config));
    }

    @Test
    void theFeedFetchesBySizeAndTimeAndCommitsSynchronouslyEveryFewSeconds() {
        PersisterSettings settings = settings(Map.of());
        assertThat(settings.feed().topic()).isEqualTo("chat-messages");
        assertThat(settings.feed().group()).isEqualTo("chat-persister");
        assertThat(settings.feed().fetchMinBytes()).isEqualTo(65_536);
        assertThat(settings.feed().fetchMaxWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.feed().commitSyncInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void anOutOfRangeFetchWaitFailsNamingTheKey() {
        assertThatThrownBy(() -> settings(Map.of("persister.fetchmaxwaitmillis", "60000")))
                .hasMessageContaining("persister.fetchmaxwaitmillis").hasMessageContaining("PERSISTER_FETCHMAXWAITMILLIS");
    }
}
