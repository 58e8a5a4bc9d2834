package dev.chat.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request could not be served; the socket stays open.
 *
 * @param code     machine-readable reason, one of {@link ErrorCode}'s values
 * @param message  what was wrong, for people
 * @param clientId the send it answers, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorFrame(String code, String message, String clientId) implements ServerEvent {
}
