package dev.chat.common.files;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.wire.Attachment;
import io.helidon.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Files of channels in an S3-compatible store, reached only through pre-signed URLs (AWS SDK v2
 * {@link S3Presigner} signs locally; the bytes never pass through a service). Clients get an
 * upload URL that signs the key, the content type and the exact size, so the store refuses
 * anything else, and short-lived download URLs. The services themselves send two requests, with
 * the JDK's HTTP client: a HEAD when a message names a file ({@link #check}: the file must be in
 * the store under the message's channel, with the size and type the message says) and a DELETE
 * when its message is deleted. Keys are {@code channels/<channel_id>/<file_id>}, so a file
 * belongs to the channel it was uploaded to.
 * <p>
 * Settings {@code s3.*}: endpoint (where the services reach the store), publicendpoint (the URL
 * clients reach, default the endpoint), bucket, region, access and secret key, pathstyle; without
 * an endpoint there is no store (uploads are off and messages cannot carry files). Thread-safe.
 */
public final class FileStore implements AutoCloseable {

    /** How long an upload URL is valid. */
    public static final Duration UPLOAD_WINDOW = Duration.ofMinutes(10);
    /** How long a download URL is valid. */
    public static final Duration DOWNLOAD_WINDOW = Duration.ofMinutes(5);
    /** How long a service waits for the store. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);
    /** How long a URL the service signs for itself is valid. */
    private static final Duration OWN_WINDOW = Duration.ofMinutes(1);

    private static final List<String> CONTENT_TYPES = List.of("image/png", "image/jpeg", "image/gif", "image/webp",
            "application/pdf", "text/plain", "application/zip", "application/octet-stream");

    /** What the store says of the file a message names. */
    public enum Check {
        /** There, with the size and type the message says. */
        PRESENT,
        /** Not in the store under this channel (never uploaded, another channel's, or deleted). */
        MISSING,
        /** There, but of another size or type than the message says. */
        DIFFERENT,
        /** The store did not answer (in time): try again. */
        UNREACHABLE
    }

    private final S3Presigner publicPresigner;
    private final S3Presigner ownPresigner;
    private final HttpClient http;
    private final String bucket;
    private final String publicEndpoint;

    private FileStore(S3Presigner publicPresigner, S3Presigner ownPresigner, String bucket, String publicEndpoint) {
        this.publicPresigner = publicPresigner;
        this.ownPresigner = ownPresigner;
        this.bucket = bucket;
        this.publicEndpoint = publicEndpoint;
        this.http = HttpClient.newBuilder().connectTimeout(STORE_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** @return the store configured by {@code s3.*}, empty when {@code s3.endpoint} is not set */
    public static Optional<FileStore> create(Config config) {
        Optional<String> endpoint = nonBlank(config, "s3.endpoint");
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String publicEndpoint = nonBlank(config, "s3.publicendpoint").orElse(endpoint.get());
        Region region = Region.of(config.get("s3.region").asString().orElse("us-east-1"));
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                required(config, "s3.accesskey"), required(config, "s3.secretkey")));
        S3Configuration style = S3Configuration.builder()
                .pathStyleAccessEnabled(config.get("s3.pathstyle").asBoolean().orElse(true)).build();
        S3Presigner publicPresigner = presigner(publicEndpoint, region, credentials, style);
        S3Presigner ownPresigner = publicEndpoint.equals(endpoint.get()) ? publicPresigner
                : presigner(endpoint.get(), region, credentials, style);
        return Optional.of(new FileStore(publicPresigner, ownPresigner, config.get("s3.bucket").asString().orElse("chat-files"),
                publicEndpoint));
    }

    private static S3Presigner presigner(String endpoint, Region region, StaticCredentialsProvider credentials,
                                         S3Configuration style) {
        return S3Presigner.builder().endpointOverride(URI.create(endpoint)).region(region).credentialsProvider(credentials)
                .serviceConfiguration(style).build();
    }

    private static Optional<String> nonBlank(Config config, String key) {
        return config.get(key).asString().asOptional().filter(value -> !value.isBlank());
    }

    private static String required(Config config, String key) {
        return nonBlank(config, key).orElseThrow(() -> new IllegalStateException(
                "Configuration '" + key + "' (" + ServiceConfig.envName(key) + ") is needed with s3.endpoint"));
    }

    /**
     * An upload: where and how to PUT the bytes.
     *
     * @param fileId  the file's id in its channel
     * @param url     the pre-signed URL
     * @param headers the headers the PUT must carry (signed; the browser adds Content-Length itself)
     */
    public record Upload(String fileId, URI url, Map<String, String> headers) {
    }

    /** @return a new file's id and the URL its bytes go to */
    public Upload upload(UUID channelId, String contentType, long size) {
        String fileId = UUID.randomUUID().toString();
        PutObjectRequest put = PutObjectRequest.builder().bucket(bucket).key(key(channelId, fileId))
                .contentType(contentType).contentLength(size).build();
        PresignedPutObjectRequest signed = publicPresigner.presignPutObject(r -> r.signatureDuration(UPLOAD_WINDOW)
                .putObjectRequest(put));
        return new Upload(fileId, URI.create(signed.url().toString()), Map.of("Content-Type", contentType));
    }

    /**
     * @param name   the file name to offer, null for none
     * @param inline whether a browser should show it (images) rather than save it
     * @return a short-lived URL of the file
     */
    public URI download(UUID channelId, String fileId, String name, boolean inline) {
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key(channelId, fileId));
        if (name != null) {
            get.responseContentDisposition((inline ? "inline" : "attachment") + "; filename*=UTF-8''"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(publicPresigner.presignGetObject(r -> r.signatureDuration(DOWNLOAD_WINDOW)
                .getObjectRequest(get.build())).url().toString());
    }

    /**
     * Asks the store whether the file a message names is there as the message describes it.
     * Blocks up to a few seconds (call it on a virtual thread).
     *
     * @return what the store says
     */
    public Check check(UUID channelId, Attachment attachment) {
        HeadObjectRequest head = HeadObjectRequest.builder().bucket(bucket).key(key(channelId, attachment.fileId().toString()))
                .build();
        HttpResponse<Void> answer = send(ownPresigner.presignHeadObject(r -> r.signatureDuration(OWN_WINDOW)
                .headObjectRequest(head)), "HEAD");
        if (answer == null || answer.statusCode() >= 500) {
            return Check.UNREACHABLE;
        }
        if (answer.statusCode() == 404 || answer.statusCode() == 403) {
            return Check.MISSING;
        }
        if (answer.statusCode() != 200) {
            return Check.UNREACHABLE;
        }
        long size = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
        String type = answer.headers().firstValue("Content-Type").orElse("");
        return size == attachment.size() && mediaType(type).equals(mediaType(attachment.contentType())) ? Check.PRESENT
                : Check.DIFFERENT;
    }

    /**
     * Deletes a file (a file already gone counts as deleted). Blocks up to a few seconds.
     *
     * @return whether the store confirmed it is gone
     */
    public boolean delete(UUID channelId, String fileId) {
        DeleteObjectRequest delete = DeleteObjectRequest.builder().bucket(bucket).key(key(channelId, fileId)).build();
        HttpResponse<Void> answer = send(ownPresigner.presignDeleteObject(r -> r.signatureDuration(OWN_WINDOW)
                .deleteObjectRequest(delete)), "DELETE");
        return answer != null && (answer.statusCode() / 100 == 2 || answer.statusCode() == 404);
    }

    /** @return the answer, or null when the store did not give one in time */
    private HttpResponse<Void> send(PresignedRequest signed, String method) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(signed.url().toString())).timeout(STORE_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        signed.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String mediaType(String contentType) {
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    /** @return the origin clients reach the store at, for the browser's Content-Security-Policy */
    public String origin() {
        URI uri = URI.create(publicEndpoint);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static String key(UUID channelId, String fileId) {
        return "channels/" + channelId + "/" + fileId;
    }

    /** @return the content types accepted */
    public static List<String> contentTypes() {
        return CONTENT_TYPES;
    }

    @Override
    public void close() {
        publicPresigner.close();
        if (ownPresigner != publicPresigner) {
            ownPresigner.close();
        }
        http.close();
    }
}
