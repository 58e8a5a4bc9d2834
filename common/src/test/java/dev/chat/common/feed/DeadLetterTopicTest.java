package dev.chat.common.feed;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadLetterTopicTest {

    @Test
    void aParkedRecordKeepsKeyAndValueWithReasonAndSourceHeaders() throws Exception {
        MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        try (DeadLetterTopic topic = new DeadLetterTopic(producer, "dlq-headers")) {
            topic.park(new DeadLetter(new ConsumerRecord<>("chat-messages", 3, 42, "key", "{oops"), "not a chat message: x"));
        }
        ProducerRecord<String, String> parked = producer.history().getFirst();
        assertThat(parked.topic()).isEqualTo("dlq-headers");
        assertThat(parked.key()).isEqualTo("key");
        assertThat(parked.value()).isEqualTo("{oops");
        assertThat(new String(parked.headers().lastHeader("reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("not a chat message: x");
        assertThat(new String(parked.headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                .isEqualTo("chat-messages/3@42");
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void aRecordKafkaDoesNotTakeFailsThePark() {
        MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
        DeadLetterTopic topic = new DeadLetterTopic(producer, "dlq-failure");
        Thread.ofPlatform().start(() -> {
            while (!producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no broker"))) {
                Thread.onSpinWait();
            }
        });
        assertThatThrownBy(() -> topic.park(new DeadLetter(new ConsumerRecord<>("chat-messages", 0, 1, "k", "v"), "r")))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
}
