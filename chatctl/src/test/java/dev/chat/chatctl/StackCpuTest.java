package dev.chat.chatctl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The yardstick runs are compared by: the stack's cost in units of the load generator's. */
class StackCpuTest {

    @Test
    void theStacksCostIsExpressedInUnitsOfTheLoadGeneratorsToTwoDecimals() {
        assertThat(StackCpu.ratio(1687L, 846L)).isEqualTo(1.99);
        assertThat(StackCpu.ratio(4333, 1900.0)).isEqualTo(2.28);
    }

    @Test
    void withoutBothCostsThereIsNoRatio() {
        assertThat(StackCpu.ratio(null, 846L)).isNull();
        assertThat(StackCpu.ratio(1687L, null)).isNull();
        assertThat(StackCpu.ratio(1687L, 0L)).isNull();
    }
}
