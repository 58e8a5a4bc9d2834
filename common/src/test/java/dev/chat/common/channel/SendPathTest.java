package dev.chat.common.channel;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.chat.common.files.FileStore;
import dev.chat.common.wire.Ack;
import dev.chat.common.wire.Attachment;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.ServerEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Sends through {@link SendPath} and {@link ChannelWriter}, against in-memory Redis and Kafka stand-ins. */
class SendPathTest {

    private static final long ALICE = 1;
    private static final long MALLORY = 666;

    private final UUID channel = UUID.randomUUID();
    private final FakeChannelSequencer sequencer = new FakeChannelSequencer();
    private final FakeEventLog log = new FakeEventLog();
    private final Members members = new Members();
    private final SendPath path = new SendPath(members, new ChannelWriter(sequencer, log, ChannelWriter.Meters.NONE));

    SendPathTest() {
        members.add(channel, ALICE);
    }

    @Test
    void sendIsAckedOnlyOnceTheLogHasIt() {
        CompletableFuture<ServerEvent> answer = path.send(ALICE, send("c1", "hi"));

        assertThat(sequencer.published()).singleElement().isInstanceOfSatisfying(ChatMessage.class,
                message -> assertThat(message.content()).isEqualTo("hi"));
        assertThat(answer).isNotDone();
        log.acknowledgePending();
        Ack ack = (Ack) now(answer);
        ChatMessage published = (ChatMessage) sequencer.published().getFirst();
        assertThat(ack).isEqualTo(new Ack("c1", channel, published.messageId(), published.createdAt(), 1,
                published.epoch()));
        assertThat(log.durable()).containsExactly(published);
    }

    @Test
    void retriedSendWithSameClientIdIsNotPublishedAgain() {
        Ack first = ackOf(path.send(ALICE, send("c1", "hi")));
        CompletableFuture<ServerEvent> retry = path.send(ALICE, send("c1", "hi"));
        log.acknowledgePending();

        assertThat(now(retry)).isEqualTo(first);
        assertThat(sequencer.published()).hasSize(1);
        // written again, so a copy the members saw is durable even if the first write was lost
        ChannelEvent published = sequencer.published().getFirst();
        assertThat(log.handedOver()).containsExactly(published, published);
    }

    @Test
    void aClientIdReusedForADifferentMessageIsAnErrorAndTheFirstMessageStands() {
        ackOf(path.send(ALICE, send("c1", "hi")));
        CompletableFuture<ServerEvent> other = path.send(ALICE, send("c1", "something else"));
        log.acknowledgePending();

        assertThat(now(other)).isInstanceOfSatisfying(ErrorFrame.class, error -> {
            assertThat(error.code()).isEqualTo(ErrorCode.CLIENT_ID_REUSED);
            assertThat(error.clientId()).isEqualTo("c1");
        });
        assertThat(sequencer.published()).singleElement().isInstanceOfSatisfying(ChatMessage.class,
                message -> assertThat(message.content()).isEqualTo("hi"));
    }

    @Test
    void sendsWithDifferentClientIdsAreDifferentMessages() {
        Ack first = ackOf(path.send(ALICE, send("c1", "hi")));
        Ack second = ackOf(path.send(ALICE, send("c2", "hi")));

        assertThat(second.messageId()).isNotEqualTo(first.messageId());
        assertThat(second.seq()).isEqualTo(first.seq() + 1);
        assertThat(sequencer.published()).hasSize(2);
    }

    @Test
    void logWriteFailingAfterThePublishIsUnavailableAndARetryWithTheSameClientIdMakesItDurable() {
        CompletableFuture<ServerEvent> answer = path.send(ALICE, send("c1", "hi"));
        ChatMessage fannedOut = (ChatMessage) sequencer.published().getFirst();
        log.failPending();

        assertThat(now(answer)).isInstanceOfSatisfying(ErrorFrame.class, error -> {
            assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(error.message()).isEqualTo("the message could not be stored in time; retry with the same client_id");
            assertThat(error.clientId()).isEqualTo("c1");
        });
        assertThat(log.durable()).isEmpty();

        Ack retried = ackOf(path.send(ALICE, send("c1", "hi")));
        assertThat(retried.messageId()).isEqualTo(fannedOut.messageId());
        assertThat(retried.seq()).isEqualTo(fannedOut.seq());
        assertThat(sequencer.published()).containsExactly(fannedOut);
        assertThat(log.durable()).containsExactly(fannedOut);
    }

    @Test
    void redisFailingIsUnavailableAndNothingIsWrittenToTheLog() {
        sequencer.goDown();

        ServerEvent answer = now(path.send(ALICE, send("c1", "hi")));

        assertThat(answer).isEqualTo(new ErrorFrame(ErrorCode.UNAVAILABLE,
                "Redis is unavailable; retry with the same client_id", "c1"));
        assertThat(log.handedOver()).isEmpty();
        sequencer.comeBack();
        assertThat(ackOf(path.send(ALICE, send("c1", "hi"))).seq()).isEqualTo(1);
    }

    @Test
    void kafkaUnhealthyRefusesTheSendBeforeAnythingIsPublished() {
        log.probeSays(false);

        ServerEvent answer = now(path.send(ALICE, send("c1", "hi")));

        assertThat(answer).isEqualTo(new ErrorFrame(ErrorCode.UNAVAILABLE,
                "Kafka is unavailable; retry with the same client_id", "c1"));
        assertThat(sequencer.published()).isEmpty();
        assertThat(log.handedOver()).isEmpty();
    }

    @Test
    void lostChannelStateStartsANewEpochAtSeqOneAndTheAckSaysSo() {
        Ack before = ackOf(path.send(ALICE, send("c1", "one")));
        ackOf(path.send(ALICE, send("c2", "two")));
        sequencer.loseState();

        Ack after = ackOf(path.send(ALICE, send("c3", "three")));

        assertThat(before.seq()).isEqualTo(1);
        assertThat(after.seq()).isEqualTo(1);
        assertThat(after.epoch()).isNotNull().isNotEqualTo(before.epoch());
        assertThat(log.durable()).last().isInstanceOfSatisfying(ChatMessage.class,
                message -> assertThat(message.epoch()).isEqualTo(after.epoch()));
    }

    @Test
    void nonMemberIsRefusedAsNotMemberAndNothingIsPublished() {
        ServerEvent answer = now(path.send(MALLORY, send("c1", "hi")));

        assertThat(answer).isInstanceOfSatisfying(ErrorFrame.class, error -> {
            assertThat(error.code()).isEqualTo(ErrorCode.NOT_MEMBER);
            assertThat(error.clientId()).isEqualTo("c1");
        });
        assertThat(sequencer.published()).isEmpty();
        assertThat(log.handedOver()).isEmpty();
    }

    @Test
    void memberOfABlockedDirectChannelIsNotAllowedToWrite() {
        members.makeReadOnly(channel, ALICE);

        ServerEvent answer = now(path.send(ALICE, send("c1", "hi")));

        assertThat(answer).isInstanceOfSatisfying(ErrorFrame.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_ALLOWED));
        assertThat(sequencer.published()).isEmpty();
        assertThat(log.handedOver()).isEmpty();
    }

    @Test
    void aFileIsSentOnlyWhenTheStoreHasItAsTheMessageDescribesIt() {
        Attachment file = new Attachment(UUID.randomUUID(), "a.txt", "text/plain", 5, null, null);
        java.util.Map<UUID, FileStore.Check> store = new java.util.HashMap<>();
        SendPath withFiles = new SendPath(members, Mentions.NONE,
                (channelId, attachment) -> channelId.equals(channel) ? store.getOrDefault(attachment.fileId(), FileStore.Check.MISSING)
                        : FileStore.Check.MISSING, new ChannelWriter(sequencer, log, ChannelWriter.Meters.NONE));
        ClientFrame.Send send = new ClientFrame.Send(channel, "f1", "a file", "file", file, null);

        for (FileStore.Check answer : List.of(FileStore.Check.MISSING, FileStore.Check.DIFFERENT, FileStore.Check.UNREACHABLE)) {
            store.put(file.fileId(), answer);
            assertThat(now(withFiles.send(ALICE, send))).as(answer.name()).isInstanceOfSatisfying(ErrorFrame.class, error -> {
                assertThat(error.code()).isEqualTo(answer == FileStore.Check.UNREACHABLE ? ErrorCode.UNAVAILABLE
                        : ErrorCode.INVALID_FIELD);
                assertThat(error.clientId()).isEqualTo("f1");
            });
        }
        assertThat(sequencer.published()).as("nothing refused is published").isEmpty();
        assertThat(now(path.send(ALICE, send))).as("no store: no file was uploaded").isInstanceOf(ErrorFrame.class);

        store.put(file.fileId(), FileStore.Check.PRESENT);
        Ack ack = ackOf(withFiles.send(ALICE, send));
        assertThat(ack.seq()).isEqualTo(1);
        assertThat(((ChatMessage) sequencer.published().getFirst()).attachment()).isEqualTo(file);
    }

    private ClientFrame.Send send(String clientId, String content) {
        return new ClientFrame.Send(channel, clientId, content, "text");
    }

    /** Acknowledges what the log holds and returns the send's ack. */
    private Ack ackOf(CompletableFuture<ServerEvent> answer) {
        log.acknowledgePending();
        return (Ack) now(answer);
    }

    /** The future's value, which must be there already (a test that would wait forever fails instead). */
    private static <T> T now(CompletableFuture<T> future) {
        assertThat(future).as("completed without waiting").isDone();
        return future.join();
    }

    /** Membership as a set of (channel, user); some of them read-only. */
    private static final class Members implements SendPath.Access {

        private record Member(UUID channel, long user) {
        }

        private final Set<Member> members = new HashSet<>();
        private final Set<Member> readOnly = new HashSet<>();

        void add(UUID channel, long user) {
            members.add(new Member(channel, user));
        }

        void makeReadOnly(UUID channel, long user) {
            readOnly.add(new Member(channel, user));
        }

        @Override
        public boolean isMember(UUID channelId, long userId) {
            return members.contains(new Member(channelId, userId));
        }

        @Override
        public boolean readOnly(UUID channelId, long userId) {
            return readOnly.contains(new Member(channelId, userId));
        }
    }
}
