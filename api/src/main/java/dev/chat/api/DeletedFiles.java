package dev.chat.api;

import java.util.Optional;
import java.util.UUID;

import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.files.FileStore;

/**
 * Removes the file of a deleted message from the store, once the deletion is in the channel's
 * sequence: the channel's step in Redis remembers which file each message carries (from its send,
 * or from history for an older message) and keeps that after the deletion. A store that does not
 * answer leaves the file; a repeated DELETE of the message (it changes nothing else) removes it.
 * Thread-safe.
 */
final class DeletedFiles {

    private static final System.Logger LOG = System.getLogger(DeletedFiles.class.getName());

    private final RedisChannelSequencer channels;
    private final Optional<FileStore> store;

    DeletedFiles(RedisChannelSequencer channels, Optional<FileStore> store) {
        this.channels = channels;
        this.store = store;
    }

    /** Deletes the file the deleted message carried, if any; never fails the caller. */
    void removeFileOf(UUID channelId, UUID messageId) {
        if (store.isEmpty()) {
            return;
        }
        try {
            String fileId = channels.fileOf(channelId, messageId);
            if (fileId != null && !store.get().delete(channelId, fileId)) {
                LOG.log(System.Logger.Level.WARNING, "file {0} of deleted message {1} is still in the store (it did not"
                        + " answer); deleting the message again removes it", fileId, messageId);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the file of deleted message {0} was not looked up: {1}", messageId,
                    e.toString());
        }
    }
}
