package dev.chat.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request could not be served; the socket stays open.
 *
 * @param code     machine-readable reason, one of {@link ErrorCode}'s values
 * @param message  what was wrong, for people
 * @param clientId     the frame it answers (its {@code client_id}), or null
 * @param retryAfterMs for {@code rate_limited}: how long to wait before sending again, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorFrame(String code, String message, String clientId, Long retryAfterMs) implements ServerEvent {

    /**
     * An error without a retry hint.
     *
     * @param code     machine-readable reason
     * @param message  for people
     * @param clientId the frame it answers, or null
     */
    public ErrorFrame(String code, String message, String clientId) {
        this(code, message, clientId, null);
    }
}
