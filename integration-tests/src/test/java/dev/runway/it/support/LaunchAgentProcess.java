package dev.runway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/runway launch-agent} of the built image as a child process (optionally under a prefix such as
 * {@code ip netns exec NAME}), with its config, state directory, work directory and log under one directory, so that
 * it can be killed with SIGKILL and started again on the same state (its crash recovery then runs).
 */
public final class LaunchAgentProcess {
    private final List<String> prefix;
    private final Path directory;
    private final Path config;
    private final Map<String, String> environment;
    private Process process;

    private LaunchAgentProcess(List<String> prefix, Path directory, Path config, Map<String, String> environment) {
        this.prefix = List.copyOf(prefix);
        this.directory = directory;
        this.config = config;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Writes a config (mode 0600) for an agent called {@code name} in {@code directory} and starts it.
     * {@code runnerYaml}: further keys of the {@code runner:} section; {@code environment}: added to the agent's own.
     */
    public static LaunchAgentProcess start(List<String> prefix, Path directory, String name, String apiUrl,
            String token, String runnerYaml, Map<String, String> environment) throws IOException {
        Files.createDirectories(directory);
        Path config = directory.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: " + token + "\n  url: " + apiUrl + "\n"
                + "runner:\n  name: " + name + "\n  launcher: process\n  working_directory: "
                + directory.resolve("work") + "/%s\n" + runnerYaml.indent(2));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        LaunchAgentProcess agent = new LaunchAgentProcess(prefix, directory, config, environment);
        agent.start();
        return agent;
    }

    /** Starts it (again) on the same config and state directory. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the launch agent is still running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(RunwayImage.runway().toString(), "launch-agent", "--config", config.toString(),
                "--state-dir", stateDirectory().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        process.getOutputStream().close();
    }

    /** SIGKILL to the launch agent alone: what it started goes on, as after a real crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Sends a signal by name (TERM, INT) with kill(1), as a service manager would. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** The exit code, or null when it did not exit within {@code millis}. */
    public Integer awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path directory() {
        return directory;
    }

    /** Parent of the per-task working directories. */
    public Path workDirectory() {
        return directory.resolve("work");
    }

    public Path stateDirectory() {
        return directory.resolve("state");
    }

    public Path log() {
        return directory.resolve("agent.log");
    }

    public String logText() {
        try {
            return Files.exists(log()) ? new String(Files.readAllBytes(log()), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
