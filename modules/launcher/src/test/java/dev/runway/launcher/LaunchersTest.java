package dev.runway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchersTest {
    private static final LauncherSettings SETTINGS = new LauncherSettings(List.of(), null, Duration.ofSeconds(1));

    private record Fake(String id, int priority, Availability probe) implements LauncherProvider {
        @Override
        public Launcher create(LauncherSettings settings) {
            throw new UnsupportedOperationException("not needed");
        }
    }

    private final Launchers launchers = new Launchers(List.of(new Fake("process", 0, Availability.available()),
            new Fake("systemd", 20, Availability.unavailable("systemd is not PID 1")),
            new Fake("subreaper", 10, Availability.available())));

    @Test
    void autoTakesTheAvailableProviderWithTheHighestPriority() throws Exception {
        assertThat(launchers.provider("auto").id()).isEqualTo("subreaper");
        assertThat(launchers.provider(null).id()).isEqualTo("subreaper");
    }

    /** The portable launcher cannot contain a job that scrubs its environment: auto never prefers it. */
    @Test
    void autoTakesTheProcessProviderOnlyWhenNoOtherIsAvailable() throws Exception {
        Launchers outranking = new Launchers(List.of(new Fake("process", 100, Availability.available()),
                new Fake("subreaper", 10, Availability.available())));
        assertThat(outranking.provider("auto").id()).isEqualTo("subreaper");
        Launchers alone = new Launchers(List.of(new Fake("process", 0, Availability.available()),
                new Fake("subreaper", 10, Availability.unavailable("not Linux"))));
        assertThat(alone.provider("auto").id()).isEqualTo("process");
    }

    @Test
    void aNamedProviderIsTakenEvenWhenOthersRankHigher() throws Exception {
        assertThat(launchers.provider("process").id()).isEqualTo("process");
    }

    @Test
    void aNamedProviderThatCannotWorkHereSaysWhy() {
        assertThatThrownBy(() -> launchers.provider("systemd")).isInstanceOf(LaunchException.class)
                .hasMessage("runner.launcher 'systemd' is not available here: systemd is not PID 1");
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> launchers.provider("docker")).isInstanceOf(LaunchException.class)
                .hasMessage("runner.launcher 'docker' is not a known launcher; choose auto or one of:"
                        + " systemd, subreaper, process");
    }

    @Test
    void theListShowsEveryProviderWithItsAvailability() {
        assertThat(launchers.list()).extracting(Launchers.ProviderStatus::id)
                .containsExactly("systemd", "subreaper", "process");
        assertThat(launchers.list().get(0).availability().isAvailable()).isFalse();
    }

    @Test
    void theProcessProviderIsInstalledAndSelectable() throws Exception {
        Launchers installed = Launchers.installed();
        assertThat(installed.list()).anySatisfy(s -> {
            assertThat(s.id()).isEqualTo("process");
            assertThat(s.priority()).isZero();
            assertThat(s.availability().isAvailable()).isTrue();
        });
        try (Launcher launcher = installed.select("process", SETTINGS)) {
            assertThat(launcher.id()).isEqualTo("process");
        }
    }
}
