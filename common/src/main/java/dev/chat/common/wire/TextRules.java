package dev.chat.common.wire;

/**
 * What text the system stores: well-formed Unicode (no unpaired surrogates, which cannot be
 * encoded as UTF-8) without NUL or other control characters (PostgreSQL rejects NUL; the others
 * only hide text). Message content may keep tab, line feed and carriage return. Stateless.
 */
public final class TextRules {

    private TextRules() {
    }

    /**
     * @param text      the text
     * @param multiline whether tab, line feed and carriage return are allowed
     * @return why it is refused, or null if it is fine
     */
    public static String problem(String text, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (not valid Unicode)";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (not valid Unicode)";
            }
            if (c == 0) {
                return "contains a NUL character";
            }
            if (Character.isISOControl(c) && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
                return "contains control character U+" + String.format("%04X", (int) c);
            }
        }
        return null;
    }
}
