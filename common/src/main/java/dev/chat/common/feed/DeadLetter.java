package dev.chat.common.feed;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record to park on the dead-letter topic, and why.
 *
 * @param record the unusable record
 * @param reason why it can never be handled (a header of the parked record)
 */
public record DeadLetter(ConsumerRecord<String, String> record, String reason) {
}
