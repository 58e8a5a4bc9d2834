package dev.chat.deploy;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/prometheus: the rules load ({@code promtool check rules}), behave as their unit tests say
 * ({@code promtool test rules}), and every runbook they name is a section of docs/operations.md.
 */
class PrometheusRulesTest {

    @Test
    void theRulesAreValid() throws Exception {
        Tool.Run check = Tool.run("prometheus", "promtool", "check", "rules", "deploy/prometheus/chat-rules.yml");
        assertThat(check.exit()).as(check.output()).isZero();
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        Tool.Run test = Tool.run("prometheus", "promtool", "test", "rules", "deploy/prometheus/chat-rules.test.yml");
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyRunbookTheAlertsNameIsInTheOperationsGuide() throws Exception {
        String rules = Files.readString(Tool.ROOT.resolve("deploy/prometheus/chat-rules.yml"));
        String guide = Files.readString(Tool.ROOT.resolve("docs/operations.md"));
        Matcher runbook = Pattern.compile("docs/operations\\.md#([a-z0-9-]+)").matcher(rules);
        List<String> anchors = runbook.results().map(m -> m.group(1)).distinct().toList();
        assertThat(anchors).hasSizeGreaterThan(5);
        for (String anchor : anchors) {
            // a Markdown heading's anchor: lower case, spaces as hyphens
            assertThat(guide.lines().filter(line -> line.startsWith("#"))
                    .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(java.util.Locale.ROOT)
                            .replaceAll("[^a-z0-9 -]", "").replace(' ', '-')))
                    .as("a heading for #" + anchor + " in docs/operations.md").contains(anchor);
        }
    }
}
