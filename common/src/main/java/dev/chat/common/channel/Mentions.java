package dev.chat.common.channel;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a message's content mentions: {@code @name} names a member by user name (any case), and
 * {@code @channel} every member, for those allowed to. Resolved once, at send, into the user ids
 * the message carries ({@code mentions}); names that are not members are plain text.
 * Implementations are thread-safe and may block (they read the channel's members).
 */
public interface Mentions {

    /** Resolves nothing: no message mentions anyone. */
    Mentions NONE = (channelId, senderId, content) -> List.of();

    /** {@code @} then a name (letters, digits, {@code . _ -}), not inside a word or an e-mail address. */
    Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}._@-])@([\\p{L}\\p{N}._-]{1,64})");

    /** The word that mentions every member. */
    String EVERYONE = "channel";

    /**
     * @param channelId the channel
     * @param senderId  who sends (never mentioned by their own message)
     * @param content   the message's text
     * @return the mentioned members' user ids, each once, in the order first named
     */
    List<Long> of(UUID channelId, long senderId, String content);

    /**
     * What a content names, before looking anyone up.
     *
     * @param names    the names after {@code @}, lower case, each once
     * @param everyone whether it says {@code @channel}
     */
    record Named(Set<String> names, boolean everyone) {

        /**
         * @param content a message's text
         * @return the names it mentions
         */
        public static Named in(String content) {
            Set<String> names = new LinkedHashSet<>();
            boolean everyone = false;
            if (content.indexOf('@') >= 0) {
                Matcher matcher = MENTION.matcher(content);
                while (matcher.find()) {
                    String name = trimmed(matcher.group(1)).toLowerCase(Locale.ROOT);
                    if (name.equals(EVERYONE)) {
                        everyone = true;
                    } else if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
            return new Named(Set.copyOf(names), everyone);
        }

        /** @return whether it mentions no one */
        public boolean none() {
            return names.isEmpty() && !everyone;
        }

        /** "@ann." at the end of a sentence names ann: trailing dots and dashes are punctuation. */
        private static String trimmed(String name) {
            int end = name.length();
            while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == '-')) {
                end--;
            }
            return name.substring(0, end);
        }
    }
}
