package dev.chat.common.wire;

import java.util.UUID;

/**
 * A file a message carries: uploaded by its sender to the channel's files
 * ({@code POST /channels/{id}/uploads}), fetched by members through
 * {@code GET /channels/{id}/files/{file_id}}. Images say their size in pixels, so clients reserve
 * the space before the image loads.
 *
 * @param fileId      the file in the channel
 * @param name        its file name
 * @param contentType its media type
 * @param size        its size in bytes
 * @param width       an image's width in pixels, null otherwise
 * @param height      an image's height in pixels, null otherwise
 */
public record Attachment(UUID fileId, String name, String contentType, long size, Integer width, Integer height) {
}
