package dev.chat.common.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.redisson.config.TransportMode;

import static org.assertj.core.api.Assertions.assertThat;

class RedisConnectionTest {

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void redissonUsesNettysNativeEpollOnLinuxX86() {
        // the native library the build ships loads here (else Redisson would quietly run on NIO)
        assertThat(RedisConnection.transport()).isEqualTo(TransportMode.EPOLL);
    }
}
