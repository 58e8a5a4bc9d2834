package dev.chat.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated bad-request corpus ({@link RequestCorpus}) against an api on the real stack: every
 * case gets exactly its documented status as problem+json (naming the field where there is one),
 * never a 5xx; a valid request right after each case works; PostgreSQL holds no new user, channel,
 * member or block afterwards. And a flood of one user's requests gets 429 with Retry-After, then
 * works again after waiting.
 */
class ApiBadInputIT {

    private static final List<String> TABLES = List.of("users", "channels", "channel_members", "user_blocks");

    private static ApiFixture api;

    @BeforeAll
    static void start() {
        // the corpus is sent as fast as the api answers: no per-user rate limit in the way
        api = new ApiFixture(Map.of("api.ratepersecond", "100000", "api.rateburst", "100000"));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void everyCaseGetsItsDocumentedStatusNothingIsStoredAndTheNextRequestWorks() throws Exception {
        long caller = api.user("fuzz");
        long owner = api.user("owner");
        long outsider = api.user("outsider");
        UUID member = api.channel(owner, List.of(owner, caller));
        UUID foreign = api.channel(outsider, List.of(outsider));
        List<RequestCorpus.Case> cases = new RequestCorpus(api.tokens(), caller, api.admin(), owner, member, foreign).cases();
        assertThat(cases).hasSizeGreaterThan(400);

        Map<String, Long> before = rowCounts();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            RequestCorpus.Case c = cases.get(i);
            String problem = check(c, api.send(request(c)));
            if (problem != null) {
                failures.add("#" + i + " " + printable(c.name() + ": " + problem));
            }
            ApiFixture.Response next = api.call("GET", "/api/v1/channels", caller, null);
            if (next.status() != 200) {
                failures.add("#" + i + " " + c.name() + ": the next valid request answered " + next.status());
            }
        }
        System.out.println("ApiBadInputIT: " + cases.size() + " cases");
        assertThat(failures).as(failures.size() + " of " + cases.size() + " cases").isEmpty();
        assertThat(rowCounts()).as("nothing stored").isEqualTo(before);
    }

    @Test
    void aFloodOfOneUsersRequestsGets429WithRetryAfterThenWorksAgain() throws Exception {
        try (ApiFixture limited = new ApiFixture(Map.of("api.ratepersecond", "5", "api.rateburst", "10"))) {
            long flooder = limited.user("flooder");
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> response = limited.send(HttpRequest.newBuilder(limited.uri("/api/v1/channels"))
                        .header("Authorization", "Bearer " + limited.tokens().issue(flooder, java.time.Duration.ofMinutes(5))).build());
                statuses.add(response.statusCode());
                if (response.statusCode() == 429) {
                    refused = response;
                }
            }
            assertThat(statuses).containsOnly(200, 429).contains(429);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(limited.call("GET", "/api/v1/channels", limited.user("someone-else"), null).status())
                    .as("other users are not limited").isEqualTo(200);
            // waiting as told lifts the limit: the flooder is served again within Retry-After (and a margin)
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(retryAfter + 5);
            int status;
            do {
                status = limited.call("GET", "/api/v1/channels", flooder, null).status();
            } while (status == 429 && System.nanoTime() < deadline && pauseBriefly());
            assertThat(status).isEqualTo(200);
        }
    }

    /** @return true after a short pause between polls of a condition */
    private static boolean pauseBriefly() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static HttpRequest request(RequestCorpus.Case c) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(c.path()));
        if (c.authorization() != null) {
            request.header("Authorization", c.authorization());
        }
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        request.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        return request.build();
    }

    /** @return what is wrong with the answer to one case, or null */
    private static String check(RequestCorpus.Case c, HttpResponse<String> response) {
        String summary = response.statusCode() + " " + abbreviate(response.body());
        if (response.statusCode() != c.status()) {
            return "expected " + c.status() + ", got " + summary;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (c.status() < 400) {
            return contentType.startsWith("application/json") || response.body().isEmpty() ? null : "not JSON: " + contentType;
        }
        if (!contentType.startsWith("application/problem+json")) {
            return "expected problem+json, got " + contentType + " " + summary;
        }
        JsonNode problem;
        try {
            problem = Json.tree(response.body());
        } catch (Exception e) {
            return "problem is not JSON: " + summary;
        }
        if (problem.path("status").asInt() != c.status() || problem.path("detail").asText().isBlank()) {
            return "problem without its status or detail: " + summary;
        }
        if (c.field() != null && !c.field().equals(problem.path("field").asText())) {
            return "expected field " + c.field() + ", got " + summary;
        }
        return null;
    }

    private static Map<String, Long> rowCounts() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(api.endpoints().postgresUrl(), api.endpoints().postgresUser(), "");
             Statement statement = db.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /** @return the text with everything outside printable ASCII escaped (reports cannot hold lone surrogates or NUL) */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(ch -> out.append(ch >= 0x20 && ch < 0x7f ? String.valueOf((char) ch) : String.format("\\u%04x", ch)));
        return out.toString();
    }
}
