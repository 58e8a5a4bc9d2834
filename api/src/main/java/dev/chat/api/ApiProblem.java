package dev.chat.api;

import io.helidon.http.Status;

/**
 * A request the api refuses, answered as {@code application/problem+json} (RFC 9457) by
 * {@link Problems}. Carries the HTTP status, a title, a detail for people and, for bad input, the
 * field that is wrong.
 */
final class ApiProblem extends RuntimeException {

    private final Status status;
    private final String field;
    private final long retryAfterSeconds;
    private final String code;

    private ApiProblem(Status status, String detail, String field) {
        this(status, detail, field, 0, null);
    }

    private ApiProblem(Status status, String detail, String field, long retryAfterSeconds) {
        this(status, detail, field, retryAfterSeconds, null);
    }

    private ApiProblem(Status status, String detail, String field, long retryAfterSeconds, String code) {
        super(detail, null, false, false);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.code = code;
    }

    /**
     * @param code  a machine-readable reason (the problem's {@code code} member)
     * @param field the field it is about
     * @return 422: the request is well-formed but cannot be done as asked
     */
    static ApiProblem unprocessable(String code, String field, String detail) {
        return new ApiProblem(Status.create(422, "Unprocessable Content"), detail, field, 0, code);
    }

    /** @return the machine-readable reason, or null */
    String code() {
        return code;
    }

    static ApiProblem unavailable(String detail, long retryAfterSeconds) {
        return new ApiProblem(Status.SERVICE_UNAVAILABLE_503, detail, null, Math.max(1, retryAfterSeconds));
    }

    static ApiProblem tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiProblem(Status.TOO_MANY_REQUESTS_429, detail, null, Math.max(1, retryAfterSeconds));
    }

    /** @return seconds to wait before retrying, or 0 */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static ApiProblem badRequest(String field, String detail) {
        return new ApiProblem(Status.BAD_REQUEST_400, detail, field);
    }

    static ApiProblem unauthorized(String detail) {
        return new ApiProblem(Status.UNAUTHORIZED_401, detail, null);
    }

    static ApiProblem forbidden(String detail) {
        return new ApiProblem(Status.FORBIDDEN_403, detail, null);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(Status.NOT_FOUND_404, detail, null);
    }

    static ApiProblem conflict(String detail) {
        return new ApiProblem(Status.CONFLICT_409, detail, null);
    }

    static ApiProblem tooLarge(String detail) {
        return new ApiProblem(Status.REQUEST_ENTITY_TOO_LARGE_413, detail, null);
    }

    static ApiProblem unsupportedMediaType(String detail) {
        return new ApiProblem(Status.UNSUPPORTED_MEDIA_TYPE_415, detail, null);
    }

    Status status() {
        return status;
    }

    /** @return the request field that is wrong, or null */
    String field() {
        return field;
    }
}
