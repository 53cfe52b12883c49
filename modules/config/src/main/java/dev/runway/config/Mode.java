package dev.runway.config;

/** {@code runner.mode}: keep claiming tasks, or exit after one (runner 3's {@code single-task}). */
public enum Mode {
    CONTINUOUS("continuous"),
    SINGLE_TASK("single-task");

    private final String yamlName;

    Mode(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The spelling used in launch-agent-config.yaml. */
    public String yamlName() {
        return yamlName;
    }
}
