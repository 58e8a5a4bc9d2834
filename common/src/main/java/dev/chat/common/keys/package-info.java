/**
 * The names of the Redis keys one module writes and others read: presence and the gateway
 * directory (a channel's own keys are in {@code channel.ChannelKeys}).
 */
package dev.chat.common.keys;
