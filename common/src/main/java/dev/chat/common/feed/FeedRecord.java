package dev.chat.common.feed;

import dev.chat.common.wire.ChannelEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A valid record of the feed: the channel event it holds, decoded and validated once.
 *
 * @param record where it came from (partition, offset)
 * @param event  the message, edit, deletion or reaction
 */
public record FeedRecord(ConsumerRecord<String, String> record, ChannelEvent event) {

    /** @return its partition */
    public TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** @return its offset */
    public long offset() {
        return record.offset();
    }
}
