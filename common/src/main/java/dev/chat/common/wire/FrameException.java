package dev.chat.common.wire;

/** A client frame was rejected; becomes an {@link ErrorFrame}. */
public final class FrameException extends Exception {

    private final String code;
    private final String clientId;

    /**
     * @param code     one of {@link ErrorCode}'s values
     * @param message  what was wrong
     * @param clientId the send's client_id if known, else null
     */
    public FrameException(String code, String message, String clientId) {
        super(message, null, false, false);
        this.code = code;
        this.clientId = clientId;
    }

    /** @return the error frame to send back */
    public ErrorFrame toFrame() {
        return new ErrorFrame(code, getMessage(), clientId);
    }

    /** @return the error code */
    public String code() {
        return code;
    }
}
