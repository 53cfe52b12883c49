package dev.runway.it.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A {@code runway launch-agent} child process: signals, exit, log. */
final class AgentProcess {
    private final Process process;
    private final Path log;
    private final Path directory;

    AgentProcess(Process process, Path log, Path directory) {
        this.process = process;
        this.log = log;
        this.directory = directory;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    Path directory() {
        return directory;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Sends a signal by name (TERM, INT, KILL) with kill(1), as a service manager would. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null when it did not exit within {@code timeout}. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Test teardown: SIGKILL the agent and everything below it, and wait until it is gone. */
    void killTree() {
        List<ProcessHandle> tree = process.descendants().collect(Collectors.toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
