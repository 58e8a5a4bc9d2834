/**
 * The channels' uploaded files in an S3-compatible store: pre-signed upload and download URLs for
 * clients, the existence check a message's attachment needs and the deletion that follows its
 * message's.
 */
package dev.chat.common.files;
