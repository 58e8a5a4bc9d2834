package dev.chat.notifier;

import java.time.Duration;
import java.util.Map;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotifierSettingsTest {

    private static NotifierSettings settings(Map<String, String> overrides) {
        Config config = ServiceConfig.load(overrides);
        return NotifierSettings.create(config, BackendSettings.create(config));
    }

    @Test
    void theFeedWaitsFor256KiBOrOneSecondPerFetchAndCommitsSynchronouslyEveryFewSeconds() {
        NotifierSettings settings = settings(Map.of());
        assertThat(settings.feed().group()).isEqualTo("chat-notifier");
        assertThat(settings.feed().maxBatch()).isEqualTo(500);
        assertThat(settings.feed().fetchMinBytes()).isEqualTo(262_144);
        assertThat(settings.feed().fetchMaxWait()).isEqualTo(Duration.ofMillis(1000));
        assertThat(settings.feed().commitSyncInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aZeroFetchSizeFailsNamingTheKey() {
        assertThatThrownBy(() -> settings(Map.of("notifier.fetchminbytes", "0")))
                .hasMessageContaining("notifier.fetchminbytes").hasMessageContaining("NOTIFIER_FETCHMINBYTES");
    }
}
