package dev.chat.common.wire;

/** The {@code code} values of {@link ErrorFrame}. */
public final class ErrorCode {

    /** The frame is not a JSON object. */
    public static final String BAD_JSON = "bad_json";
    /** The frame's {@code type} is missing or not one the server knows. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    /** A required field is missing. */
    public static final String MISSING_FIELD = "missing_field";
    /** A field has the wrong type or an invalid value. */
    public static final String INVALID_FIELD = "invalid_field";
    /** The frame or the content is larger than allowed. */
    public static final String TOO_LARGE = "too_large";
    /** The socket sent frames faster than allowed; wait {@code retry_after_ms}. */
    public static final String RATE_LIMITED = "rate_limited";
    /**
     * The user may not do that although the frame is valid: watch the presence of someone who
     * shares no channel with them, or write in a direct channel whose other member blocked them.
     */
    public static final String NOT_ALLOWED = "not_allowed";
    /** The channel does not exist or the user is not a member. */
    public static final String NOT_MEMBER = "not_member";
    /** The message could not be made durable in time; retry with the same client_id. */
    public static final String UNAVAILABLE = "unavailable";
    /** The server failed unexpectedly; retry with the same client_id. */
    public static final String INTERNAL = "internal";
    /**
     * The client_id was already used for a different message (other content, type or file): a
     * retry must repeat the message exactly; a new message needs a new client_id.
     */
    public static final String CLIENT_ID_REUSED = "client_id_reused";

    private ErrorCode() {
    }
}
