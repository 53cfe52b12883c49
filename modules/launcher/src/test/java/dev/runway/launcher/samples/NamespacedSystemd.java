package dev.runway.launcher.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real systemd booted as PID 1 of a fresh PID + mount namespace (docs/architecture.md, "Real systemd in tests"), with
 * the project's boot script from integration-tests. {@link #start()} says why when it cannot run here.
 */
final class NamespacedSystemd implements AutoCloseable {
    static final Path BOOT_SCRIPT = Path.of("../../integration-tests/src/test/resources/systemd/boot-systemd.sh");

    private final Process unshare;
    private final long systemdPid;

    private NamespacedSystemd(Process unshare, long systemdPid) {
        this.unshare = unshare;
        this.systemdPid = systemdPid;
    }

    /** Why a namespaced systemd cannot boot here, or empty when it can. */
    static Optional<String> unavailableReason() {
        if (!"0".equals(output("id", "-u"))) {
            return Optional.of("needs root to boot systemd in a namespace");
        }
        if (!Files.isExecutable(Path.of("/lib/systemd/systemd")) || output("sh", "-c", "command -v unshare") == null
                || output("sh", "-c", "command -v nsenter") == null) {
            return Optional.of("systemd, unshare or nsenter is not installed");
        }
        if (!Files.isRegularFile(BOOT_SCRIPT)) {
            return Optional.of("boot script not found at " + BOOT_SCRIPT.toAbsolutePath());
        }
        return Optional.empty();
    }

    static NamespacedSystemd start(Path log) throws Exception {
        ProcessBuilder boot = new ProcessBuilder("unshare", "--pid", "--fork", "--mount", "--uts", "--cgroup", "--",
                "sh", BOOT_SCRIPT.toAbsolutePath().toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        // the checkout (this module's ../..) stays visible inside, should it lie under /tmp
        boot.environment().put("RUNWAY_CHECKOUT", Path.of("../..").toAbsolutePath().normalize().toString());
        Process unshare = boot.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && unshare.isAlive()) {
            Optional<ProcessHandle> systemd = unshare.toHandle().children().findFirst();
            if (systemd.isPresent()) {
                NamespacedSystemd booted = new NamespacedSystemd(unshare, systemd.get().pid());
                if (booted.isRunning()) {
                    return booted;
                }
            }
            Thread.sleep(200);
        }
        unshare.destroyForcibly();
        throw new IllegalStateException("systemd did not boot within 60 s; see " + log);
    }

    private boolean isRunning() {
        String state = output(inside("systemctl", "is-system-running").toArray(String[]::new));
        return "running".equals(state) || "degraded".equals(state);
    }

    /** The command, run inside the namespace (nsenter into its mount and PID namespaces). */
    List<String> inside(String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(systemdPid), "-m", "-p", "--"));
        argv.addAll(List.of(command));
        return argv;
    }

    /** Like {@link #inside}, with a working directory (entering a mount namespace resets it to /). */
    List<String> insideIn(Path dir, String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(systemdPid), "-m", "-p",
                "--wd=" + dir.toAbsolutePath()));
        argv.add("--");
        argv.addAll(List.of(command));
        return argv;
    }

    /** Standard output of a command inside the namespace (whatever its exit code). */
    String run(String... command) {
        return output(inside(command).toArray(String[]::new));
    }

    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 || command[0].equals("nsenter") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        // SIGKILL to the namespace's PID 1 ends everything inside it.
        ProcessHandle.of(systemdPid).ifPresent(ProcessHandle::destroyForcibly);
        unshare.destroyForcibly();
        unshare.waitFor(10, TimeUnit.SECONDS);
    }
}
