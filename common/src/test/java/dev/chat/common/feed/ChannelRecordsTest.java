package dev.chat.common.feed;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import dev.chat.common.wire.TypingEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelRecordsTest {

    private static final UUID CHANNEL = UUID.randomUUID();

    private static ConsumerRecord<String, String> record(String key, Object value) {
        return new ConsumerRecord<>("chat-messages", 0, 0, key, value == null ? null : Json.encode(value));
    }

    private static ChatMessage message(UUID id) {
        return new ChatMessage(CHANNEL, id, 7L, "c1", "hello", "text", Instant.now(), 1, "e1");
    }

    @Test
    void aPlacedMessageEditDeletionAndReactionAreValid() throws Poison {
        UUID id = FeedFixtures.IDS.next();
        ChatMessage message = message(id);
        assertThat(ChannelRecords.validate(record(CHANNEL.toString(), message))).isEqualTo(message);
        var edit = new MessageUpdated(CHANNEL, id, 7L, "edited", Instant.now(), 2, "e1");
        assertThat(ChannelRecords.validate(record(CHANNEL.toString(), edit))).isEqualTo(edit);
        var deletion = new MessageDeleted(CHANNEL, id, 7L, Instant.now(), 3, "e1");
        assertThat(ChannelRecords.validate(record(null, deletion))).isEqualTo(deletion);
        var reaction = new Reaction(CHANNEL, id, 7L, "🎉", Reaction.ADD, Instant.now(), 4, "e1");
        assertThat(ChannelRecords.validate(record(CHANNEL.toString(), reaction))).isEqualTo(reaction);
    }

    @Test
    void anEmptyValueOrInvalidJsonIsPoison() {
        assertThatThrownBy(() -> ChannelRecords.validate(record(CHANNEL.toString(), null)))
                .isInstanceOf(Poison.class).hasMessage("empty value");
        assertThatThrownBy(() -> ChannelRecords.validate(new ConsumerRecord<>("chat-messages", 0, 0, "k", "{\"broken\"")))
                .isInstanceOf(Poison.class).hasMessageStartingWith("not a chat message");
    }

    @Test
    void aRecordKeyedByAnotherChannelIsPoison() {
        assertThatThrownBy(() -> ChannelRecords.validate(record(UUID.randomUUID().toString(), message(FeedFixtures.IDS.next()))))
                .isInstanceOf(Poison.class).hasMessageContaining("is not the event's channel_id");
    }

    @Test
    void aMessageWithoutATimeUuidOrMissingFieldsIsPoison() {
        assertThatThrownBy(() -> ChannelRecords.validate(record(CHANNEL.toString(), message(UUID.randomUUID()))))
                .isInstanceOf(Poison.class).hasMessage("message_id is not a TIMEUUID");
        ChatMessage draft = ChatMessage.draft(CHANNEL, 7L, "c1", "hello", "text");
        assertThatThrownBy(() -> ChannelRecords.validate(record(CHANNEL.toString(), draft)))
                .isInstanceOf(Poison.class).hasMessageContaining("misses");
    }

    @Test
    void aReactionWithoutAnEmojiOrAnEditWithoutSeqIsPoison() {
        UUID id = FeedFixtures.IDS.next();
        var reaction = new Reaction(CHANNEL, id, 7L, "not an emoji", Reaction.ADD, Instant.now(), 4, "e1");
        assertThatThrownBy(() -> ChannelRecords.validate(record(CHANNEL.toString(), reaction)))
                .isInstanceOf(Poison.class).hasMessageStartingWith("reaction misses");
        var edit = new MessageUpdated(CHANNEL, id, 7L, "edited", Instant.now(), 0, "e1");
        assertThatThrownBy(() -> ChannelRecords.validate(record(CHANNEL.toString(), edit)))
                .isInstanceOf(Poison.class).hasMessageStartingWith("message_updated misses");
    }

    @Test
    void anEventThatIsNotAChannelEventIsPoison() {
        String typing = Json.encode(new TypingEvent(CHANNEL, 7L, "started", 5000));
        assertThatThrownBy(() -> ChannelRecords.validate(new ConsumerRecord<>("chat-messages", 0, 0, CHANNEL.toString(), typing)))
                .isInstanceOf(Poison.class).hasMessageContaining(TypingEvent.class.getSimpleName());
    }
}
