package dev.chat.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files through pre-signed URLs on the real stack's S3-compatible store (S3Proxy): the bytes PUT to
 * the upload URL come back through the download redirect; the store refuses another size or type
 * than was signed; only members get either URL; a message carries only a file that is in the store
 * under its channel as it describes it; deleting the message deletes the file.
 */
class UploadsIT {

    private static final HttpClient STORE = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = new ApiFixture(Map.of());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aMemberUploadsThroughTheSignedUrlAndEveryMemberDownloadsTheSameBytes() throws Exception {
        long owner = api.user("owner");
        long member = api.user("member");
        long stranger = api.user("stranger");
        UUID channel = api.channel(owner, List.of(owner, member));
        byte[] bytes = new byte[70_000];
        new java.util.Random(42).nextBytes(bytes);
        ApiFixture.Response upload = api.call("POST", "/api/v1/channels/" + channel + "/uploads", owner,
                Map.of("name", "photo.png", "content_type", "image/png", "size", bytes.length));
        assertThat(upload.status()).as(String.valueOf(upload.json())).isEqualTo(201);
        String fileId = upload.json().path("file_id").asText();
        URI url = URI.create(upload.json().path("upload_url").asText());

        // the store refuses what was not signed: another size, another type
        assertThat(refused(url, "image/png", new byte[10])).as("another size").isTrue();
        assertThat(refused(url, "text/plain", bytes)).as("another type").isTrue();
        assertThat(put(url, "image/png", bytes)).isEqualTo(200);

        HttpResponse<String> redirect = api.send(HttpRequest.newBuilder(api.uri("/api/v1/channels/" + channel + "/files/" + fileId
                        + "?name=photo.png"))
                .header("Authorization", "Bearer " + api.tokens().issue(member, Duration.ofMinutes(5))).build());
        assertThat(redirect.statusCode()).isEqualTo(302);
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        HttpResponse<byte[]> downloaded = STORE.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.body()).isEqualTo(bytes);
        assertThat(downloaded.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/png");

        assertThat(api.call("POST", "/api/v1/channels/" + channel + "/uploads", stranger,
                Map.of("name", "x.png", "content_type", "image/png", "size", 10)).status()).isEqualTo(403);
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/channels/" + channel + "/files/" + fileId))
                .header("Authorization", "Bearer " + api.tokens().issue(stranger, Duration.ofMinutes(5))).build()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void aMessageCarriesOnlyAFileThatWasUploadedToItsChannelAsDescribed() throws Exception {
        long owner = api.user("owner");
        UUID channel = api.channel(owner, List.of(owner));
        UUID other = api.channel(owner, List.of(owner));
        String path = "/api/v1/channels/" + channel + "/messages";
        String uploaded = uploaded(owner, channel, "plan.pdf", "application/pdf", new byte[1234]);
        String signedOnly = api.call("POST", "/api/v1/channels/" + channel + "/uploads", owner,
                Map.of("name", "plan.pdf", "content_type", "application/pdf", "size", 1234)).json().path("file_id").asText();
        String elsewhere = uploaded(owner, other, "plan.pdf", "application/pdf", new byte[1234]);

        // signed but never PUT, another channel's file, a made-up id: no file here
        for (String fileId : List.of(signedOnly, elsewhere, UUID.randomUUID().toString())) {
            ApiFixture.Response refused = api.call("POST", path, owner, Map.of("client_id", "f-" + fileId, "content", "x",
                    "attachment", Map.of("file_id", fileId, "name", "plan.pdf", "content_type", "application/pdf", "size", 1234)));
            assertThat(refused.status()).as(String.valueOf(refused.json())).isEqualTo(400);
            assertThat(refused.json().path("detail").asText()).contains("names no file uploaded to channel " + channel);
        }
        // the file is there, but the message describes another size or type
        assertThat(api.call("POST", path, owner, Map.of("client_id", "f-size", "content", "x", "attachment",
                Map.of("file_id", uploaded, "name", "plan.pdf", "content_type", "application/pdf", "size", 999))).json()
                .path("detail").asText()).contains("does not describe the uploaded file");
        assertThat(api.call("POST", path, owner, Map.of("client_id", "f-type", "content", "x", "attachment",
                Map.of("file_id", uploaded, "name", "plan.png", "content_type", "image/png", "size", 1234))).status())
                .isEqualTo(400);

        ApiFixture.Response sent = api.call("POST", path, owner, Map.of("client_id", "f-1", "content", "the plan",
                "attachment", Map.of("file_id", uploaded, "name", "plan.pdf", "content_type", "application/pdf", "size", 1234)));
        assertThat(sent.status()).as(String.valueOf(sent.json())).isEqualTo(201);
        assertThat(sent.json().path("seq").asLong()).as("nothing refused took a place in the channel").isEqualTo(1);
        assertThat(api.call("POST", path, owner, Map.of("client_id", "f-2", "content", "x",
                "attachment", Map.of("file_id", "nope", "name", "a", "content_type", "image/png", "size", 1))).status()).isEqualTo(400);
        assertThat(api.call("POST", path, owner, Map.of("client_id", "f-3", "content", "x",
                "attachment", Map.of("file_id", uploaded, "name", "../etc/passwd", "content_type", "image/png", "size", 1))).status())
                .isEqualTo(400);
        assertThat(api.call("POST", path, owner, Map.of("client_id", "f-5", "content", "x",
                "attachment", Map.of("file_id", uploaded, "name", "a.png", "content_type", "image/png", "size", 1, "width", 0))).status())
                .isEqualTo(400);
    }

    @Test
    void deletingAMessageDeletesItsFileFromTheStore() throws Exception {
        long owner = api.user("owner");
        UUID channel = api.channel(owner, List.of(owner));
        String path = "/api/v1/channels/" + channel + "/messages";
        byte[] bytes = "a file to forget".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String kept = uploaded(owner, channel, "kept.txt", "text/plain", bytes);
        String forgotten = uploaded(owner, channel, "forgotten.txt", "text/plain", bytes);
        Map<String, Object> file = Map.of("name", "x.txt", "content_type", "text/plain", "size", bytes.length);
        String keptMessage = api.call("POST", path, owner, Map.of("client_id", "d-1", "content", "stays",
                "attachment", with(file, kept))).json().path("message_id").asText();
        String deletedMessage = api.call("POST", path, owner, Map.of("client_id", "d-2", "content", "goes",
                "attachment", with(file, forgotten))).json().path("message_id").asText();
        assertThat(stored(owner, channel, forgotten)).isEqualTo(200);

        // deleted right after its send: the channel's step knows its file before the persister stores it
        assertThat(api.call("DELETE", path + "/" + deletedMessage, owner, null).status()).isEqualTo(204);
        assertThat(stored(owner, channel, forgotten)).as("the deleted message's file").isEqualTo(404);
        assertThat(stored(owner, channel, kept)).as("another message's file").isEqualTo(200);
        assertThat(api.call("DELETE", path + "/" + deletedMessage, owner, null).status()).as("again: nothing to do")
                .isEqualTo(204);
        assertThat(keptMessage).isNotBlank();
    }

    private static Map<String, Object> with(Map<String, Object> file, String fileId) {
        Map<String, Object> attachment = new java.util.HashMap<>(file);
        attachment.put("file_id", fileId);
        return attachment;
    }

    /** @return a file's id in the channel, its bytes PUT to the store */
    private static String uploaded(long user, UUID channel, String name, String contentType, byte[] bytes) throws Exception {
        ApiFixture.Response upload = api.call("POST", "/api/v1/channels/" + channel + "/uploads", user,
                Map.of("name", name, "content_type", contentType, "size", bytes.length));
        assertThat(put(URI.create(upload.json().path("upload_url").asText()), contentType, bytes)).isEqualTo(200);
        return upload.json().path("file_id").asText();
    }

    /** @return what the store answers to a GET of the file through the api's redirect (200, or 404 when gone) */
    private static int stored(long user, UUID channel, String fileId) throws Exception {
        HttpResponse<String> redirect = api.send(HttpRequest.newBuilder(api.uri("/api/v1/channels/" + channel + "/files/"
                + fileId)).header("Authorization", "Bearer " + api.tokens().issue(user, Duration.ofMinutes(5))).build());
        assertThat(redirect.statusCode()).isEqualTo(302);
        return STORE.send(HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("Location").orElseThrow())).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void badUploadsAreRefusedBeforeAnyUrlIsSigned() {
        long owner = api.user("owner");
        UUID channel = api.channel(owner, List.of(owner));
        String path = "/api/v1/channels/" + channel + "/uploads";
        assertThat(api.call("POST", path, owner, Map.of("name", "a.exe", "content_type", "application/x-msdownload", "size", 10))
                .status()).isEqualTo(400);
        assertThat(api.call("POST", path, owner, Map.of("name", "a.png", "content_type", "image/png", "size", 0)).status()).isEqualTo(400);
        assertThat(api.call("POST", path, owner, Map.of("name", "a.png", "content_type", "image/png", "size", "big")).status())
                .isEqualTo(400);
        assertThat(api.call("POST", path, owner, Map.of("name", "a.png", "content_type", "image/png", "size", 20L * 1024 * 1024))
                .status()).isEqualTo(413);
        assertThat(api.call("POST", path, owner, Map.of("content_type", "image/png", "size", 10)).status()).isEqualTo(400);
        JsonNode notFound = api.call("GET", "/api/v1/channels/" + channel + "/files/not-a-file", owner, null).json();
        assertThat(notFound.path("status").asInt()).isEqualTo(404);
    }

    /**
     * Whether the store refuses a PUT: an error status, or the connection closed before any answer.
     * The store may answer a refusal and close while a large body is still on its way; the client's
     * unsent bytes then reset the connection, and the answer with it. Each attempt has a client of its
     * own, so a connection the store closed is never reused for the next request.
     */
    private static boolean refused(URI url, String contentType, byte[] body) throws Exception {
        try (HttpClient once = HttpClient.newHttpClient()) {
            return put(once, url, contentType, body) >= 400;
        } catch (java.io.IOException closedBeforeAnswer) {
            return true;
        }
    }

    private static int put(URI url, String contentType, byte[] body) throws Exception {
        return put(STORE, url, contentType, body);
    }

    private static int put(HttpClient client, URI url, String contentType, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(url).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
