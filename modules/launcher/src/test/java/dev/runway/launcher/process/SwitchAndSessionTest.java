package dev.runway.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.launcher.LaunchException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The command lines the launcher generates for the user switch and the new session. */
class SwitchAndSessionTest {
    @Test
    void sudoGetsTheGuidesFormAndKeepsTheEnvironmentByNameNeverWithValuesInArgv() {
        UserSwitch sudo = UserSwitch.viaSudo("circleci", 1001, Path.of("/usr/bin/sudo"));
        assertThat(sudo.wrap(List.of("runway", "task-agent"), Map.of("B", "secret-2", "A", "secret-1")))
                .containsExactly("/usr/bin/sudo", "--preserve-env=A,B", "-niHu", "circleci", "--", "runway",
                        "task-agent")
                .noneMatch(argument -> argument.contains("secret"));
        assertThat(sudo.user()).isEqualTo("circleci");
        assertThat(sudo.environment()).isEmpty();
    }

    @Test
    void anAgentThatIsNotRootCannotSwitchToAnotherUser() {
        assertThatThrownBy(() -> UserSwitch.to("root", "1000")).isInstanceOf(LaunchException.class)
                .hasMessageContaining("runner.task_user is 'root' but the launch agent runs as uid 1000, not root");
    }

    @Test
    void theAgentsOwnUserNeedsNoSwitch() throws Exception {
        assertThat(UserSwitch.to("root", "0").user()).isNull();
        assertThat(UserSwitch.to(null, "0").user()).isNull();
    }

    /** macOS has no setsid command; the Perl fallback is checked here, where perl exists too. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void thePerlFallbackStartsANewSessionAndPassesTheExitCodeOn() throws Exception {
        var perl = Commands.find("perl");
        Assumptions.assumeTrue(perl.isPresent(), "perl is not installed");
        List<String> argv = new ArrayList<>(NewSession.viaPerl(perl.get()));
        // The session id is field 6 of /proc/self/stat; $$ is the shell perl exec'd into.
        argv.addAll(List.of("sh", "-c", "echo $$; cut -d' ' -f6 /proc/$$/stat; exit 5"));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String[] lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(5);
        assertThat(lines[1]).isEqualTo(lines[0]).isEqualTo(Long.toString(process.pid()));
    }
}
