package dev.chat.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.chat.common.files.FileStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of a channel's files: {@code POST /api/v1/channels/{id}/uploads {name, content_type,
 * size}} gives a member a pre-signed PUT URL for one file (type and size signed, at most
 * {@code api.maxuploadbytes}); {@code GET /api/v1/channels/{id}/files/{file_id}} checks membership
 * and redirects (302) to a short-lived pre-signed GET. Messages carry files as {@code attachment}.
 */
final class FileRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of("POST /api/v1/channels/{id}/uploads", "GET /api/v1/channels/{id}/files/{file_id}");

    private final Optional<FileStore> files;
    private final ChannelStore store;
    private final ApiSettings settings;

    FileRoutes(Optional<FileStore> files, ChannelStore store, ApiSettings settings) {
        this.files = files;
        this.store = store;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{id}/uploads", this::upload)
                .get("/{id}/files/{file_id}", this::download);
    }

    private void upload(ServerRequest request, ServerResponse response) {
        UUID channelId = memberChannel(request);
        JsonBody body = JsonBody.read(request);
        body.string("name", 255);
        String contentType = body.string("content_type", 100);
        if (!FileStore.contentTypes().contains(contentType)) {
            throw ApiProblem.badRequest("content_type", "'content_type' must be one of " + FileStore.contentTypes());
        }
        long size = body.node().path("size").asLong(-1);
        if (!body.node().path("size").canConvertToLong() || size < 1) {
            throw ApiProblem.badRequest("size", "'size' must be the file's size in bytes, at least 1");
        }
        if (size > settings.maxUploadBytes()) {
            throw ApiProblem.tooLarge("files are at most " + settings.maxUploadBytes() + " bytes (api.maxuploadbytes)");
        }
        FileStore.Upload upload = store().upload(channelId, contentType, size);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file_id", upload.fileId());
        json.put("upload_url", upload.url().toString());
        json.put("method", "PUT");
        json.put("headers", upload.headers());
        json.put("expires_in_seconds", FileStore.UPLOAD_WINDOW.toSeconds());
        ChannelRoutes.json(response, Status.CREATED_201, json);
    }

    private void download(ServerRequest request, ServerResponse response) {
        UUID channelId = memberChannel(request);
        String raw = Problems.pathParam(request, "file_id");
        String fileId;
        try {
            fileId = UUID.fromString(raw).toString();
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("no file " + raw);
        }
        var query = request.query();
        String name = query.contains("name") ? JsonBody.queryText(query, "name", 255) : null;
        boolean inline = name != null && name.matches("(?i).*\\.(png|jpe?g|gif|webp)");
        response.status(Status.FOUND_302).header(HeaderNames.LOCATION, store().download(channelId, fileId, name, inline).toString())
                .send();
    }

    /** @return the file store's origin, for the Content-Security-Policy */
    java.util.Optional<String> origin() {
        return files.map(FileStore::origin);
    }

    private FileStore store() {
        return files.orElseThrow(() -> ApiProblem.unavailable("uploads are not configured here (s3.endpoint)", 60));
    }

    private UUID memberChannel(ServerRequest request) {
        long caller = Authentication.caller(request);
        UUID channelId = ChannelRoutes.channelId(request);
        if (store.channel(channelId).isEmpty()) {
            throw ApiProblem.notFound("no channel " + channelId);
        }
        if (store.membership(channelId, caller).isEmpty() && !settings.admins().contains(caller)) {
            throw ApiProblem.forbidden("not a member of channel " + channelId);
        }
        return channelId;
    }
}
