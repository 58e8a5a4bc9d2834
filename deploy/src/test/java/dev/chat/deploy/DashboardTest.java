package dev.chat.deploy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/grafana: the dashboard is valid JSON, and every series its queries read is either
 * recorded by chat-rules.yml or exported by a service (a {@code chat_*} meter named in the code).
 */
class DashboardTest {

    private static final Pattern SERIES = Pattern.compile("\\b(chat:[a-z0-9_:]+|chat_[a-z0-9_]+)");

    @Test
    void everyQueryReadsASeriesThatExists() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Tool.ROOT.resolve("deploy/grafana/chat-dashboard.json").toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("chat-overview");
        String rules = Files.readString(Tool.ROOT.resolve("deploy/prometheus/chat-rules.yml"));
        Set<String> recorded = Pattern.compile("record: (chat:[a-z0-9_:]+)").matcher(rules).results()
                .map(m -> m.group(1)).collect(Collectors.toSet());
        Set<String> exported = exportedMeters();
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        assertThat(queries).hasSizeGreaterThan(10);
        for (String query : queries) {
            Matcher series = SERIES.matcher(query);
            assertThat(series.find()).as(query).isTrue();
            do {
                String name = series.group(1);
                if (name.startsWith("chat:")) {
                    assertThat(recorded).as("recorded by chat-rules.yml: " + name).contains(name);
                } else {
                    assertThat(exported).as("exported by a service: " + name).contains(base(name));
                }
            } while (series.find());
        }
    }

    /** @return the Prometheus base names of the meters the services create ("chat.gateway.acks" → chat_gateway_acks) */
    private static Set<String> exportedMeters() throws Exception {
        Pattern meter = Pattern.compile("\"(chat\\.[a-z.]+)\"");
        try (var files = Files.walk(Tool.ROOT)) {
            return files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                    .flatMap(f -> {
                        try {
                            return meter.matcher(Files.readString(f)).results().map(m -> m.group(1).replace('.', '_'));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).collect(Collectors.toSet());
        }
    }

    /** @return the meter's name without Prometheus's suffixes (_total, _seconds, _count, …) */
    private static String base(String series) {
        return series.replaceFirst("(_seconds)?(_total|_count|_sum|_max|_bucket)?$", "");
    }
}
