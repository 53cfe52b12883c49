package dev.runway.launcher.linux.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.launcher.LauncherProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class UnitNamesTest {
    @Test
    void namesUnitsAfterTheLaunchIdAndBack() {
        String unit = UnitNames.unitName("3f0c-41:a_b.c");
        assertThat(unit).isEqualTo("runway-task-3f0c-41:a_b.c.service");
        assertThat(UnitNames.launchId(unit)).contains("3f0c-41:a_b.c");
        assertThat(UnitNames.launchId("dbus.service")).isEmpty();
        assertThat(UnitNames.launchId("runway-task-.service")).isEmpty();
    }

    @Test
    void refusesLaunchIdsThatCannotNameAUnit() {
        assertThatThrownBy(() -> UnitNames.unitName("a/b")).hasMessageContaining("'a/b'");
        assertThatThrownBy(() -> UnitNames.unitName("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapesObjectPathsLikeSdBus() {
        // busctl tree org.freedesktop.systemd1 shows dbus.service as .../unit/dbus_2eservice
        assertThat(UnitNames.objectPath("dbus.service")).isEqualTo("/org/freedesktop/systemd1/unit/dbus_2eservice");
        assertThat(UnitNames.objectPath("runway-task-A1.service"))
                .isEqualTo("/org/freedesktop/systemd1/unit/runway_2dtask_2dA1_2eservice");
    }

    @Test
    void probeExplainsWhySystemdIsUnavailable() {
        SystemdLauncherProvider provider = new SystemdLauncherProvider("unix:path=/nonexistent/system_bus_socket");
        assertThat(provider.probe().isAvailable()).isFalse();
        assertThat(provider.probe().reason()).contains("/nonexistent/system_bus_socket");
        assertThat(provider.priority()).isGreaterThan(0);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(LauncherProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(SystemdLauncherProvider.class);
    }
}
