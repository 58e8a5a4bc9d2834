package dev.chat.common.wire;

import java.text.BreakIterator;

/**
 * What counts as one reaction emoji: a single grapheme (one user-perceived character) made only of
 * emoji code points and the joiners, selectors, skin-tone modifiers, keycaps and tags emoji
 * sequences use, with at least one pictographic code point. So "👍", "👍🏽", "❤️", "👩‍💻" and
 * "🇫🇷" are emoji; "a", "👍👍", "<b>" and a lone joiner are not.
 */
public final class EmojiRules {

    /** Longest emoji accepted, in UTF-16 units (family and flag sequences fit). */
    public static final int MAX_LENGTH = 32;

    private EmojiRules() {
    }

    /**
     * @param text a candidate
     * @return whether it is exactly one emoji
     */
    public static boolean isEmoji(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return false;
        }
        BreakIterator graphemes = BreakIterator.getCharacterInstance(java.util.Locale.ROOT);
        graphemes.setText(text);
        graphemes.first();
        if (graphemes.next() != text.length()) {
            return false; // more than one grapheme
        }
        boolean pictographic = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isEmojiModifier(c) || c == 0x200D || c == 0xFE0F || c >= 0xE0020 && c <= 0xE007F) {
                continue; // only with an emoji before it
            }
            if (Character.isExtendedPictographic(c) || Character.isEmojiPresentation(c) || c >= 0x1F1E6 && c <= 0x1F1FF
                    || c == 0x20E3) { // 0x20E3 makes a keycap of #, * or a digit
                pictographic = true;
            } else if (!Character.isEmoji(c)) {
                return false;
            }
        }
        return pictographic;
    }
}
