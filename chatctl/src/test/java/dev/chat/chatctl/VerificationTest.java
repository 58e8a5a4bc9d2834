package dev.chat.chatctl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.chat.common.store.TimeUuids;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerificationTest {

    private static final UUID CHANNEL = UUID.fromString("6f1c2a4e-0d0b-4a47-9d61-5b0f6f7f9a11");
    private static final long ALICE = 1;
    private static final long BOB = 2;

    /** A clean run: alice sends three messages, both receive them in order, all stored. */
    private final List<UUID> ids = new ArrayList<>();
    private final List<RunRecord.Event> events = new ArrayList<>();
    private final List<Verification.Stored> stored = new ArrayList<>();

    VerificationTest() {
        for (int i = 1; i <= 3; i++) {
            UUID id = at("2026-11-29T12:00:00Z", i);
            ids.add(id);
            events.add(new RunRecord.Sent(CHANNEL, ALICE, "c" + i));
            events.add(new RunRecord.Acked(CHANNEL, ALICE, "c" + i, id, i, "e1"));
            events.add(new RunRecord.Received(CHANNEL, ALICE, ALICE, "c" + i, id, i, "e1"));
            events.add(new RunRecord.Received(CHANNEL, BOB, ALICE, "c" + i, id, i, "e1"));
            stored.add(new Verification.Stored(id, ALICE, "c" + i, i, "e1"));
        }
    }

    /** @return a TIMEUUID {@code millis} after {@code time} */
    private static UUID at(String time, int millis) {
        return TimeUuids.ofUnixTime((Instant.parse(time).toEpochMilli() + millis) * 10_000, 0x8000_0000_0000_0001L);
    }

    private Verification.Report verify() {
        return Verification.verify(events, Map.of(CHANNEL, stored));
    }

    @Test
    void aCleanRunHasNoFindings() {
        Verification.Report report = verify();
        assertThat(report.findings()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.sent()).isEqualTo(3);
        assertThat(report.acked()).isEqualTo(3);
        assertThat(report.stored()).isEqualTo(3);
        assertThat(report.deliveries()).isEqualTo(6);
        assertThat(report.gaveUp()).isZero();
    }

    @Test
    void anAckedMessageThatIsNotStoredIsReported() {
        stored.remove(1);
        stored.set(1, new Verification.Stored(ids.get(2), ALICE, "c3", 2, "e1")); // no gap, to isolate the finding
        assertThat(kinds(verify())).contains("acked_missing");
    }

    @Test
    void aSendStoredTwiceIsReported() {
        UUID copy = at("2026-11-29T12:00:01Z", 0);
        stored.add(new Verification.Stored(copy, ALICE, "c2", 4, "e1"));
        assertThat(kinds(verify())).contains("duplicate");
    }

    @Test
    void anAckedIdOtherThanTheStoredOneIsADuplicate() {
        UUID other = at("2026-11-29T12:00:02Z", 0);
        events.add(new RunRecord.Acked(CHANNEL, BOB, "b1", other, 4, "e1"));
        stored.add(new Verification.Stored(at("2026-11-29T12:00:03Z", 0), BOB, "b1", 4, "e1"));
        assertThat(kinds(verify())).containsExactly("duplicate");
    }

    @Test
    void aDeliveryHistoryDoesNotHaveIsAPhantomAndItsSenderGaveUp() {
        UUID phantom = at("2026-11-29T12:00:04Z", 0);
        events.add(new RunRecord.Sent(CHANNEL, BOB, "lost"));
        events.add(new RunRecord.Received(CHANNEL, ALICE, BOB, "lost", phantom, 4, "e1"));
        Verification.Report report = verify();
        assertThat(kinds(report)).containsExactly("phantom");
        assertThat(report.gaveUp()).isEqualTo(1);
    }

    @Test
    void historyOutOfSeqOrderAndGapsAreReported() {
        stored.set(0, new Verification.Stored(ids.get(0), ALICE, "c1", 2, "e1"));
        stored.set(1, new Verification.Stored(ids.get(1), ALICE, "c2", 1, "e1"));
        assertThat(kinds(verify())).contains("order");

        stored.set(0, new Verification.Stored(ids.get(0), ALICE, "c1", 1, "e1"));
        stored.set(1, new Verification.Stored(ids.get(1), ALICE, "c2", 2, "e1"));
        stored.set(2, new Verification.Stored(ids.get(2), ALICE, "c3", 5, "e1"));
        assertThat(kinds(verify())).containsExactly("seq_gap");
    }

    @Test
    void aNewEpochStartsItsOwnSequence() {
        UUID later = at("2026-11-29T12:00:05Z", 0);
        events.add(new RunRecord.Acked(CHANNEL, ALICE, "c4", later, 1, "e2"));
        stored.add(new Verification.Stored(later, ALICE, "c4", 1, "e2"));
        assertThat(verify().findings()).isEmpty();
    }

    @Test
    void aReceiverGivenMessagesOutOfHistoryOrderIsReportedButARepeatIsNot() {
        events.add(new RunRecord.Received(CHANNEL, BOB, ALICE, "c1", ids.get(0), 1, "e1")); // a repeat after a resume
        assertThat(verify().findings()).isEmpty();

        events.removeIf(e -> e instanceof RunRecord.Received r && r.userId() == BOB);
        events.add(new RunRecord.Received(CHANNEL, BOB, ALICE, "c2", ids.get(1), 2, "e1"));
        events.add(new RunRecord.Received(CHANNEL, BOB, ALICE, "c1", ids.get(0), 1, "e1"));
        assertThat(kinds(verify())).containsExactly("delivery_order");
    }

    @Test
    void theRecordRoundTripsThroughJsonLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        RunRecord record = new RunRecord();
        events.forEach(record::add);
        java.nio.file.Path file = dir.resolve("run.jsonl");
        record.write(file);
        assertThat(RunRecord.read(file)).isEqualTo(events);
        java.nio.file.Files.writeString(file, "{\"kind\":\"sent\"}\nnot json\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunRecord.read(file))
                .hasMessageContaining("line 2");
    }

    private static List<String> kinds(Verification.Report report) {
        return report.findings().stream().map(Verification.Finding::kind).toList();
    }
}
