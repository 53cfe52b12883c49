package dev.runway.launcher.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Limits;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.macos.jna.LibSystem;
import dev.runway.launcher.tracking.ProcessInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The real natives and real escaping trees: these run only on a Mac (see docs/macos.md). */
@EnabledOnOs(OS.MAC)
class MacOnlyTest {
    private final LibProcProcessTable table = new LibProcProcessTable(LibSystem.load());
    private final String token = "1000." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    private Launcher launcher;

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        if (launcher != null) {
            launcher.close();
        }
        survivors().forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
    }

    private List<ProcessInfo> survivors() {
        return table.snapshot().stream().filter(ProcessInfo::isAlive)
                .filter(p -> table.commandLine(p.pid()).map(c -> c.contains(token)).orElse(false))
                .collect(Collectors.toList());
    }

    @Test
    void theTableSeesThisJvmAndItsEnvironment() {
        long self = ProcessHandle.current().pid();
        ProcessInfo me = table.process(self).orElseThrow();
        assertThat(me.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(me.sid()).isPositive();
        assertThat(table.snapshot()).extracting(ProcessInfo::pid).contains(self, me.ppid());
        assertThat(table.environmentVariable(self, "PATH")).isPresent();
    }

    @Test
    void everyEscapeOfAFinishedTaskIsKilledAndASiblingSurvives() throws Exception {
        Process sibling = new ProcessBuilder("sleep", token).start();
        launcher = new MacLauncherProvider().create(new LauncherSettings(List.of(), null, Duration.ofSeconds(1)));
        String script = "perl -MPOSIX -e 'POSIX::setsid(); exec @ARGV' sleep $T & (sleep $T &) &"
                + " nohup sleep $T >/dev/null 2>&1 & sleep $T & sleep 0.2; kill -STOP $!; sleep 0.5; exit 3";
        TaskProcess task = launcher.start(new LaunchSpec("mac-" + token, List.of("sh", "-c", script),
                Map.of("T", token), dir, new byte[0], dir.resolve("log"), Limits.NONE));

        assertThat(task.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(3));

        assertThat(survivors()).extracting(ProcessInfo::pid).containsExactly(sibling.pid());
        sibling.destroyForcibly();
    }
}
