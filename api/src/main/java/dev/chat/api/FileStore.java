package dev.chat.api;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Files of channels in an S3-compatible store, reached only through pre-signed URLs (AWS SDK v2
 * {@link S3Presigner}; the api never handles the bytes): an upload URL signs the key, the content
 * type and the exact size, so the store refuses anything else; a download URL is short-lived.
 * Keys are {@code channels/<channel_id>/<file_id>}. Settings {@code s3.*}: endpoint (the URL
 * clients reach), bucket, region, access and secret key; without an endpoint uploads are off.
 * Thread-safe.
 */
final class FileStore implements AutoCloseable {

    /** How long an upload URL is valid. */
    static final Duration UPLOAD_WINDOW = Duration.ofMinutes(10);
    /** How long a download URL is valid. */
    static final Duration DOWNLOAD_WINDOW = Duration.ofMinutes(5);

    private final S3Presigner presigner;
    private final String bucket;
    private final String endpoint;

    private FileStore(S3Presigner presigner, String bucket, String endpoint) {
        this.presigner = presigner;
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    /** @return the store configured by {@code s3.*}, empty when {@code s3.endpoint} is not set (uploads off) */
    static Optional<FileStore> create(Config config) {
        Optional<String> endpoint = config.get("s3.endpoint").asString().asOptional().filter(value -> !value.isBlank());
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String publicEndpoint = config.get("s3.publicendpoint").asString().asOptional().filter(v -> !v.isBlank()).orElse(endpoint.get());
        S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(URI.create(publicEndpoint))
                .region(Region.of(config.get("s3.region").asString().orElse("us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        required(config, "s3.accesskey"), required(config, "s3.secretkey"))))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(config.get("s3.pathstyle").asBoolean().orElse(true)).build())
                .build();
        return Optional.of(new FileStore(presigner, config.get("s3.bucket").asString().orElse("chat-files"), publicEndpoint));
    }

    private static String required(Config config, String key) {
        return config.get(key).asString().asOptional().filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                "Configuration '" + key + "' (" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_')
                        + ") is needed with s3.endpoint"));
    }

    /**
     * An upload: where and how to PUT the bytes.
     *
     * @param fileId  the file's id in its channel
     * @param url     the pre-signed URL
     * @param headers the headers the PUT must carry (signed; the browser adds Content-Length itself)
     */
    record Upload(String fileId, URI url, Map<String, String> headers) {
    }

    Upload upload(UUID channelId, String contentType, long size) {
        String fileId = UUID.randomUUID().toString();
        PutObjectRequest put = PutObjectRequest.builder().bucket(bucket).key(key(channelId, fileId))
                .contentType(contentType).contentLength(size).build();
        PresignedPutObjectRequest signed = presigner.presignPutObject(r -> r.signatureDuration(UPLOAD_WINDOW).putObjectRequest(put));
        return new Upload(fileId, URI.create(signed.url().toString()), Map.of("Content-Type", contentType));
    }

    /**
     * @param name   the file name to offer, null for none
     * @param inline whether a browser should show it (images) rather than save it
     * @return a short-lived URL of the file
     */
    URI download(UUID channelId, String fileId, String name, boolean inline) {
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key(channelId, fileId));
        if (name != null) {
            get.responseContentDisposition((inline ? "inline" : "attachment") + "; filename*=UTF-8''"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(presigner.presignGetObject(r -> r.signatureDuration(DOWNLOAD_WINDOW).getObjectRequest(get.build()))
                .url().toString());
    }

    /** @return the store's origin, for the browser's Content-Security-Policy */
    String origin() {
        URI uri = URI.create(endpoint);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static String key(UUID channelId, String fileId) {
        return "channels/" + channelId + "/" + fileId;
    }

    /** @return the content types accepted */
    static List<String> contentTypes() {
        return CONTENT_TYPES;
    }

    private static final List<String> CONTENT_TYPES = List.of("image/png", "image/jpeg", "image/gif", "image/webp",
            "application/pdf", "text/plain", "application/zip", "application/octet-stream");

    @Override
    public void close() {
        presigner.close();
    }
}
