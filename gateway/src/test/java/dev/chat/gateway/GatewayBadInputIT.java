package dev.chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.ServiceRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated bad-input corpus ({@link FrameCorpus}) against a gateway on the real stack, on one
 * socket: every case gets exactly the documented answer (the error code, with the frame's
 * client_id where it had a valid one; no error for the valid borderline cases), the socket stays
 * open, a valid message right after each case is acked, and afterwards the channels hold exactly
 * the accepted messages (read back with one resume of ~380 events: more than a socket's queue of
 * 256, which closed the socket as a slow consumer before replays were paced). Floods and sockets
 * per user are in {@link GatewayLimitsIT}.
 */
class GatewayBadInputIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Fixtures fixtures;
    private static ServiceRuntime gateway;

    @BeforeAll
    static void start() {
        fixtures = new Fixtures();
        // the corpus is sent as fast as the gateway answers: no frame budget in the way
        gateway = GatewayMain.start(fixtures.config(Map.of("gateway.framespersecond", "100000", "gateway.frameburst", "100000")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        fixtures.close();
    }

    @Test
    void everyCaseGetsItsDocumentedAnswerTheSocketStaysUsableAndOnlyValidMessagesAreStored() throws Exception {
        long user = fixtures.user("fuzz");
        long other = fixtures.user("other");
        long stranger = fixtures.user("stranger");
        UUID member = fixtures.channel("group", user);
        UUID foreign = fixtures.channel("group", other);
        List<FrameCorpus.Case> cases = new FrameCorpus(member, foreign, stranger).cases();
        assertThat(cases).hasSizeGreaterThan(300);

        List<String> failures = new ArrayList<>();
        Set<String> accepted = new HashSet<>();
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(user))) {
            for (int i = 0; i < cases.size(); i++) {
                FrameCorpus.Case c = cases.get(i);
                if (c.text() != null) {
                    client.sendText(c.text());
                } else {
                    client.sendBinary(c.binary());
                }
                String probe = "probe-" + i;
                client.send(Map.of("type", "message", "channel_id", member.toString(), "client_id", probe, "content", "p"));
                List<JsonNode> answers = new ArrayList<>();
                JsonNode frame;
                do {
                    frame = client.take(f -> true, WAIT);
                    String type = frame.path("type").asText();
                    if ("error".equals(type) || "ack".equals(type)) {
                        answers.add(frame);
                    }
                } while (!("ack".equals(frame.path("type").asText()) && probe.equals(frame.path("client_id").asText())));
                answers.removeLast();
                accepted.add(probe);
                String problem = check(c, answers);
                if (problem != null) {
                    failures.add("#" + i + " " + printable(c.name() + ": " + problem));
                }
                if (c.acked() != null) {
                    accepted.add(c.acked());
                }
            }
            assertThat(client.isClosed()).isFalse();
        }
        System.out.println("GatewayBadInputIT: " + cases.size() + " cases");
        assertThat(failures).as(failures.size() + " of " + cases.size() + " cases").isEmpty();

        // nothing else was sequenced (so nothing else reaches Kafka or Cassandra): the recovery log
        // of the member channel holds exactly the accepted messages, the foreign channel none
        try (ChatClient reader = ChatClient.connect(gateway.port(), fixtures.token(user))) {
            String epoch = reader.received("hello").getFirst().path("channels").findValues("epoch").getFirst().asText();
            reader.send(Map.of("type", "resume", "channel_id", member.toString(), "epoch", epoch, "after_seq", 0));
            reader.await(f -> "resumed".equals(f.path("type").asText()), WAIT);
            Set<String> logged = new HashSet<>();
            reader.received("message").forEach(m -> logged.add(m.path("client_id").asText()));
            assertThat(logged).isEqualTo(accepted);
        }
        try (ChatClient owner = ChatClient.connect(gateway.port(), fixtures.token(other))) {
            JsonNode hello = owner.received("hello").getFirst();
            assertThat(hello.path("channels").findValues("seq").stream().mapToLong(JsonNode::asLong).sum())
                    .as("the foreign channel got no event").isZero();
        }
    }

    /** @return what is wrong with the answers to one case, or null */
    private static String check(FrameCorpus.Case c, List<JsonNode> answers) {
        List<JsonNode> errors = answers.stream().filter(a -> "error".equals(a.path("type").asText())).toList();
        if (c.expected() == null) {
            if (!errors.isEmpty()) {
                return "expected no error, got " + errors;
            }
        } else {
            if (errors.size() != 1) {
                return "expected one " + c.expected() + " error, got " + errors;
            }
            JsonNode error = errors.getFirst();
            if (!c.expected().equals(error.path("code").asText())) {
                return "expected " + c.expected() + ", got " + error;
            }
            if (error.path("message").asText().isBlank()) {
                return "error without a message: " + error;
            }
            String clientId = error.hasNonNull("client_id") ? error.path("client_id").asText() : null;
            if (!java.util.Objects.equals(c.clientId(), clientId)) {
                return "expected client_id " + c.clientId() + ", got " + error;
            }
        }
        if (c.acked() != null && answers.stream().noneMatch(a -> "ack".equals(a.path("type").asText())
                && c.acked().equals(a.path("client_id").asText()))) {
            return "expected an ack for " + c.acked() + ", got " + answers;
        }
        return null;
    }

    /** @return the text with everything outside printable ASCII escaped (reports cannot hold lone surrogates or NUL) */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(ch -> out.append(ch >= 0x20 && ch < 0x7f ? String.valueOf((char) ch) : String.format("\\u%04x", ch)));
        return out.toString();
    }
}
