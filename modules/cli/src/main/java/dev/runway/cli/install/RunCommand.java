package dev.runway.cli.install;

import java.io.IOException;
import java.util.List;

/** Runs a command (systemctl, launchctl, ...) unless a probe says its effect is already there. */
public final class RunCommand implements Step {

    /** Tells whether the command's effect is already in place. */
    @FunctionalInterface
    public interface Probe {
        boolean isDone(CommandRunner commands) throws IOException;
    }

    private final CommandRunner commands;
    private final String purpose;
    private final List<String> command;
    private final Probe probe;

    public RunCommand(CommandRunner commands, String purpose, List<String> command, Probe probe) {
        this.commands = commands;
        this.purpose = purpose;
        this.command = List.copyOf(command);
        this.probe = probe;
    }

    @Override
    public String describe() {
        return purpose + ": " + Shell.quote(command);
    }

    @Override
    public boolean isDone() throws IOException {
        return probe.isDone(commands);
    }

    @Override
    public void apply() throws IOException {
        commands.runChecked(command);
    }

    /** A probe that runs a command and looks at its exit code and first output line. */
    public static Probe exitsZero(List<String> probeCommand) {
        return commands -> commands.run(probeCommand).exitCode() == 0;
    }

    public static Probe printsLine(List<String> probeCommand, String expected) {
        return commands -> {
            CommandRunner.Result result = commands.run(probeCommand);
            return result.output().lines().anyMatch(line -> line.strip().equals(expected));
        };
    }
}
