package dev.runway.launcher.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.launcher.Launchers;
import dev.runway.launcher.tracking.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

class MacLauncherProviderTest {
    @Test
    @DisabledOnOs(OS.MAC)
    void elsewhereTheProbeSaysItIsForMacOsOnly() {
        var availability = new MacLauncherProvider().probe();
        assertThat(availability.isAvailable()).isFalse();
        assertThat(availability.reason()).startsWith("macOS only (this is ");
    }

    @Test
    void recognisesMacOsNames() {
        assertThat(MacLauncherProvider.isMac("Mac OS X")).isTrue();
        assertThat(MacLauncherProvider.isMac("Linux")).isFalse();
    }

    @Test
    void outranksThePortableProviderAndIsFoundByServiceLoader() {
        assertThat(new MacLauncherProvider().priority()).isGreaterThan(0);
        assertThat(Launchers.installed().list()).extracting(Launchers.ProviderStatus::id).contains("macos", "process");
    }

    @Test
    void usesDarwinSignalNumbers() {
        // sys/signal.h on macOS: SIGSTOP 17 and SIGCONT 19 (Linux: 19 and 18).
        assertThat(LibcSignaller.darwinNumber(Signal.TERM)).isEqualTo(15);
        assertThat(LibcSignaller.darwinNumber(Signal.KILL)).isEqualTo(9);
        assertThat(LibcSignaller.darwinNumber(Signal.STOP)).isEqualTo(17);
        assertThat(LibcSignaller.darwinNumber(Signal.CONT)).isEqualTo(19);
    }
}
