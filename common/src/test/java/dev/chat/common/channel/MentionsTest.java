package dev.chat.common.channel;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MentionsTest {

    @Test
    void namesAfterAnAtAreMentionsInAnyCaseOnceEach() {
        Mentions.Named named = Mentions.Named.in("@Ann can you and @ben-2 look? thanks @ann.");
        assertThat(named.names()).isEqualTo(Set.of("ann", "ben-2"));
        assertThat(named.everyone()).isFalse();
    }

    @Test
    void atChannelMentionsEveryoneAndAddressesAndWordsDoNot() {
        assertThat(Mentions.Named.in("@channel the build is red").everyone()).isTrue();
        assertThat(Mentions.Named.in("write to ops@example.com or a@b").none()).isTrue();
        assertThat(Mentions.Named.in("no one here, not even @").none()).isTrue();
        assertThat(Mentions.Named.in("(@émile)").names()).containsExactly("émile");
    }
}
