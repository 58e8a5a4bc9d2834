package dev.chat.common.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmojiRulesTest {

    @Test
    void singleEmojiAndEmojiSequencesAreEmoji() {
        for (String emoji : new String[] {"👍", "👍🏽", "❤️", "❤", "🎉", "😂", "👩‍💻", "👨‍👩‍👧‍👦", "🇫🇷", "#️⃣", "🏳️‍🌈", "☕"}) {
            assertThat(EmojiRules.isEmoji(emoji)).as(emoji).isTrue();
        }
    }

    @Test
    void textSeveralEmojiAndPiecesOfSequencesAreNot() {
        for (String text : new String[] {"", "a", "1", "#", "👍👍", "👍 ", " 👍", "<b>", "\u200D", "\uFE0F", "🏽", "ok👍",
            "\uD83D", "x".repeat(40), null}) {
            assertThat(EmojiRules.isEmoji(text)).as(String.valueOf(text)).isFalse();
        }
    }
}
