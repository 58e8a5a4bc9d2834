/**
 * Appending an event to a channel: the per-channel step in Redis ({@link dev.chat.common.channel.ChannelSequencer}),
 * the durable log in Kafka ({@link dev.chat.common.channel.EventLog}), and the one
 * {@link dev.chat.common.channel.ChannelWriter} that sends, edits, deletions and reactions go through.
 */
package dev.chat.common.channel;
