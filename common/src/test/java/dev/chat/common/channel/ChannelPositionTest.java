package dev.chat.common.channel;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelPositionTest {

    private static final long NODE = new TimeUuids().node();

    @Test
    void messageIdIsATimeUuidOfTheMintedTimeWithTheWritersNode() {
        ChannelPosition position = new ChannelPosition("e1", 5, 1_764_400_000L, 1_234_567, NODE);

        UUID id = position.messageId();

        assertThat(id.version()).isEqualTo(1);
        assertThat(id.getLeastSignificantBits()).isEqualTo(NODE);
        assertThat(TimeUuids.instant(id)).isEqualTo(Instant.ofEpochSecond(1_764_400_000L, 123_456_700).truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS));
        assertThat(position.createdAt()).isEqualTo(TimeUuids.instant(id));
    }

    @Test
    void laterPositionsHaveLaterMessageIdsEvenWithinOneMillisecondAndAcrossSeconds() {
        ChannelPosition a = new ChannelPosition("e1", 1, 1_764_400_000L, 9_999_998, NODE);
        ChannelPosition b = new ChannelPosition("e1", 2, 1_764_400_000L, 9_999_999, NODE);
        ChannelPosition c = new ChannelPosition("e1", 3, 1_764_400_001L, 0, ~NODE);

        assertThat(TimeUuids.compare(a.messageId(), b.messageId())).isNegative();
        assertThat(TimeUuids.compare(b.messageId(), c.messageId())).isNegative();
    }

    @Test
    void headerRoundTripsIncludingANodeWithTheHighBitSet() {
        ChannelPosition position = new ChannelPosition("mhx2k1a3f9", 42, 1_764_400_000L, 17, 0x8000_1234_5678_9abcL);

        assertThat(ChannelPosition.parse(position.header())).isEqualTo(position);
    }

    @Test
    void somethingElseIsNotAHeader() {
        assertThatThrownBy(() -> ChannelPosition.parse("{\"type\":\"typing\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChannelPosition.parse(" 1 2 3 4")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void envelopeDecodesToTheDraftAtItsPosition() {
        UUID channel = UUID.randomUUID();
        ChatMessage draft = ChatMessage.draft(channel, 7L, "c-1", "hello, with spaces", "text");
        ChannelPosition position = new ChannelPosition("e1", 3, 1_764_400_000L, 5, NODE);
        String envelope = position.header() + " " + Json.encode(draft);

        ChannelEvent event = ChannelEnvelope.decode(envelope);

        assertThat(ChannelEnvelope.is(envelope)).isTrue();
        assertThat(ChannelEnvelope.is(Json.encode(draft))).isFalse();
        assertThat(event).isEqualTo(draft.at(position));
        assertThat(event.seq()).isEqualTo(3);
        assertThat(((ChatMessage) event).messageId()).isEqualTo(position.messageId());
    }

    @Test
    void aMessagesStateKeyIsNamedByItsTimeAsTheLuaScriptNamesItAtTheSend() {
        UUID channel = UUID.randomUUID();
        ChannelPosition position = new ChannelPosition("e1", 7, 1_764_400_123L, 4_560_001L, 0x8000_0000_0000_0001L);
        assertThat(ChannelKeys.message(channel, position.messageId()))
                .isEqualTo("channel:{" + channel + "}:msg:1764400123.4560001");
        assertThat(TimeUuids.unixTime100ns(position.messageId())).isEqualTo(1_764_400_123L * 10_000_000L + 4_560_001L);
    }
}
