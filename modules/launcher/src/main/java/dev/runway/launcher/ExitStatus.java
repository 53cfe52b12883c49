package dev.runway.launcher;

/** How a task agent ended: an exit code, or the signal that killed it. */
public record ExitStatus(int code, int signal) {
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public static ExitStatus killed(int signal) {
        return new ExitStatus(128 + signal, signal);
    }

    public boolean success() {
        return code == 0 && signal == 0;
    }

    @Override
    public String toString() {
        return signal != 0 ? "killed by signal " + signal : "exit code " + code;
    }
}
