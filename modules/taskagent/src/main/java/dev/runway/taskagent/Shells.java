package dev.runway.taskagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shell a {@code run} step's command goes to. CircleCI's default is {@code /bin/bash -eo pipefail}, or
 * {@code /bin/sh -eo pipefail} where bash is missing; dash (Debian's sh) has no pipefail, so there it is
 * {@code /bin/sh -e}. The command is written to a script file that the shell reads, as CircleCI does: any shell or
 * interpreter works, and the command text (which may embed secrets) stays out of the process table.
 */
final class Shells {
    private static volatile List<String> defaultShell;

    private Shells() {}

    /** The argv that runs {@code script} under {@code shell} (null: the default); shell words split on blanks. */
    static List<String> argv(String shell, Path script) {
        List<String> argv = new ArrayList<>(shell == null || shell.isBlank() ? defaultShell()
                : Arrays.asList(shell.strip().split("\\s+")));
        argv.add(script.toString());
        return argv;
    }

    /** The default shell of this machine, found once. */
    static List<String> defaultShell() {
        List<String> shell = defaultShell;
        if (shell == null) {
            shell = Files.isExecutable(Path.of("/bin/bash")) ? List.of("/bin/bash", "-eo", "pipefail")
                    : shAcceptsPipefail() ? List.of("/bin/sh", "-eo", "pipefail") : List.of("/bin/sh", "-e");
            defaultShell = shell;
        }
        return shell;
    }

    private static boolean shAcceptsPipefail() {
        try {
            Process probe = new ProcessBuilder("/bin/sh", "-eo", "pipefail", "-c", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
