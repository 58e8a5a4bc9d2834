package dev.chat.chatctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class BenchFrameTest {

    @Test
    void readsTheTopLevelFieldsOfAMessageAndSkipsNestedOnes() throws IOException {
        BenchFrame frame = BenchFrame.parse("""
                {"type":"message","channel_id":"c1","message_id":"m1","sender_id":42,"client_id":"p1.42-7",
                 "attachment":{"file_id":"f","content":"not this","seq":99},"mentions":[1,2,{"seq":5}],
                 "content":"123456","msg_type":"text","created_at":"2026-12-05T10:00:00.123Z","seq":17,"epoch":"e1"}""");
        assertThat(frame).isEqualTo(new BenchFrame("message", "c1", 42, "p1.42-7", "m1", 17, "e1", "123456",
                "2026-12-05T10:00:00.123Z"));
    }

    @Test
    void aFrameWithoutTheFieldsHasNullsAndZeros() throws IOException {
        assertThat(BenchFrame.parse("{\"type\":\"hello\",\"channels\":[]}"))
                .isEqualTo(new BenchFrame("hello", null, 0, null, null, 0, null, null, null));
    }

    @Test
    void textThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> BenchFrame.parse("[1,2]")).isInstanceOf(IOException.class);
    }
}
