package dev.chat.common.channel;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Edits, deletions and reactions through {@link ChannelWriter}: the same append and error policy as sends. */
class ChannelWriterTest {

    private static final long ALICE = 1;

    private final UUID channel = UUID.randomUUID();
    private final FakeChannelSequencer sequencer = new FakeChannelSequencer();
    private final FakeEventLog log = new FakeEventLog();
    private final RecordingMeters meters = new RecordingMeters();
    private final ChannelWriter writer = new ChannelWriter(sequencer, log, meters);

    @Test
    void editDeletionAndReactionTakeTheChannelsNextSeqsAfterTheMessage() {
        ChatMessage message = (ChatMessage) written(writer.append(ChatMessage.draft(channel, ALICE, "c1", "hi", "text")))
                .event();
        UUID id = message.messageId();

        ChannelEvent edit = written(change(new MessageUpdated(channel, id, ALICE, "hi!", null, 0, null))).event();
        ChannelEvent reaction = written(change(new Reaction(channel, id, ALICE, "👍", Reaction.ADD, null, 0, null)))
                .event();
        ChannelEvent deletion = written(change(new MessageDeleted(channel, id, ALICE, null, 0, null))).event();

        assertThat(List.of(message.seq(), edit.seq(), reaction.seq(), deletion.seq())).containsExactly(1L, 2L, 3L, 4L);
        assertThat(List.of(edit.epoch(), reaction.epoch(), deletion.epoch())).containsOnly(message.epoch());
        assertThat(sequencer.published()).containsExactly(message, edit, reaction, deletion);
        assertThat(log.durable()).containsExactly(message, edit, reaction, deletion);
    }

    @Test
    void identicalEditsAreNotDeduplicatedLikeSends() {
        UUID messageId = UUID.randomUUID();
        MessageUpdated draft = new MessageUpdated(channel, messageId, ALICE, "again", null, 0, null);

        ChannelWriter.Written first = written(change(draft));
        ChannelWriter.Written second = written(change(draft));

        assertThat(first.repeated()).isFalse();
        assertThat(second.repeated()).isFalse();
        assertThat(second.event().seq()).isEqualTo(first.event().seq() + 1);
        assertThat(sequencer.published()).hasSize(2);
    }

    @Test
    void repeatedSendIsReportedAsRepeatedWithTheFirstAttemptsEvent() {
        ChatMessage draft = ChatMessage.draft(channel, ALICE, "c1", "hi", "text");

        ChannelWriter.Written first = written(writer.append(draft));
        ChannelWriter.Written repeat = written(writer.append(draft));

        assertThat(first.repeated()).isFalse();
        assertThat(repeat.repeated()).isTrue();
        assertThat(repeat.event()).isEqualTo(first.event());
        assertThat(sequencer.published()).containsExactly(first.event());
        assertThat(log.handedOver()).containsExactly(first.event(), first.event());
    }

    @Test
    void editWhileKafkaIsUnhealthyIsRefusedBeforeAnythingIsPublished() {
        log.probeSays(false);

        ChannelWriter.Outcome outcome = now(change(edit()));

        assertThat(outcome).isEqualTo(new ChannelWriter.Unavailable(ChannelWriter.Reason.LOG_UNHEALTHY));
        assertThat(sequencer.published()).isEmpty();
        assertThat(log.handedOver()).isEmpty();
    }

    @Test
    void sendWhileRedisFailsIsUnavailableAndNotWrittenToTheLog() {
        sequencer.goDown();

        ChannelWriter.Outcome outcome = now(writer.append(ChatMessage.draft(channel, ALICE, "c1", "hi", "text")));

        assertThat(outcome).isEqualTo(new ChannelWriter.Unavailable(ChannelWriter.Reason.SEQUENCER_FAILED));
        assertThat(log.handedOver()).isEmpty();
        assertThat(meters.sequenced).isEmpty();
    }

    @Test
    void deletionWhileRedisFailsIsUnavailableAndNotWrittenToTheLog() {
        sequencer.goDown();

        ChannelWriter.Outcome outcome = now(change(
                new MessageDeleted(channel, UUID.randomUUID(), ALICE, null, 0, null)));

        assertThat(outcome).isEqualTo(new ChannelWriter.Unavailable(ChannelWriter.Reason.SEQUENCER_FAILED));
        assertThat(log.handedOver()).isEmpty();
        assertThat(meters.sequenced).isEmpty();
    }

    @Test
    void reactionWhoseLogWriteFailsIsUnavailableThoughItWasPublished() {
        CompletableFuture<ChannelWriter.Outcome> outcome = change(new Reaction(channel, UUID.randomUUID(), ALICE,
                "👍", Reaction.ADD, null, 0, null));
        assertThat(sequencer.published()).hasSize(1);

        log.failPending();

        assertThat(now(outcome)).isEqualTo(new ChannelWriter.Unavailable(ChannelWriter.Reason.LOG_WRITE_FAILED));
        assertThat(log.durable()).isEmpty();
        assertThat(meters.written).isEmpty();
    }

    @Test
    void bothStepsAreTimedAndTheWriteOnlyOnceTheLogAcknowledged() {
        CompletableFuture<ChannelWriter.Outcome> outcome = change(edit());

        assertThat(meters.sequenced).hasSize(1);
        assertThat(meters.written).isEmpty();
        assertThat(outcome).isNotDone();
        log.acknowledgePending();
        assertThat(now(outcome)).isInstanceOf(ChannelWriter.Written.class);
        assertThat(meters.written).hasSize(1);
    }

    @Test
    void editAfterTheChannelLostItsStateIsPlacedInANewEpochAtSeqOne() {
        ChannelEvent before = written(change(edit())).event();
        written(change(edit()));
        sequencer.loseState();

        ChannelEvent after = written(change(edit())).event();

        assertThat(after.seq()).isEqualTo(1);
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(log.durable()).last().isEqualTo(after);
    }

    @Test
    void aRefusedChangeIsAnsweredAtOnceWithoutPublishingOrLogging() {
        sequencer.refuseNext(ChannelSequencer.Refusal.UNCHANGED);

        ChannelWriter.Outcome outcome = now(change(new Reaction(channel, UUID.randomUUID(), ALICE, "👍", Reaction.ADD,
                null, 0, null)));

        assertThat(outcome).isEqualTo(new ChannelWriter.Refused(ChannelSequencer.Refusal.UNCHANGED));
        assertThat(sequencer.published()).isEmpty();
        assertThat(log.handedOver()).isEmpty();
    }

    private CompletableFuture<ChannelWriter.Outcome> change(ChannelEvent draft) {
        return writer.change(draft, ALICE, false, null);
    }

    private MessageUpdated edit() {
        return new MessageUpdated(channel, UUID.randomUUID(), ALICE, "edited", null, 0, null);
    }

    /** Acknowledges what the log holds and returns the append's outcome, which must be written. */
    private ChannelWriter.Written written(CompletableFuture<ChannelWriter.Outcome> outcome) {
        log.acknowledgePending();
        ChannelWriter.Outcome done = now(outcome);
        assertThat(done).isInstanceOf(ChannelWriter.Written.class);
        return (ChannelWriter.Written) done;
    }

    /** The future's value, which must be there already (a test that would wait forever fails instead). */
    private static <T> T now(CompletableFuture<T> future) {
        assertThat(future).as("completed without waiting").isDone();
        return future.join();
    }

    /** Keeps every timing. */
    private static final class RecordingMeters implements ChannelWriter.Meters {

        final List<Duration> sequenced = new CopyOnWriteArrayList<>();
        final List<Duration> written = new CopyOnWriteArrayList<>();

        @Override
        public void sequenced(Duration took) {
            sequenced.add(took);
        }

        @Override
        public void written(Duration took) {
            written.add(took);
        }
    }
}
