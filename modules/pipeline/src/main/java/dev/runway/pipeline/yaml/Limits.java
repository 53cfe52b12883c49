package dev.runway.pipeline.yaml;

/**
 * The caps that keep one compilation small whatever the input: every cap is named in the error that reports it, so
 * a config that meets one says which.
 */
public final class Limits {
    /** Largest config or orb file read. */
    public static final int MAX_FILE_BYTES = 2 * 1024 * 1024;
    /** Deepest nesting of YAML collections. */
    public static final int MAX_DEPTH = 64;
    /** Nodes produced while reading one file, counting every use of an alias (the guard against alias bombs). */
    public static final int MAX_YAML_NODES = 100_000;
    /** Nodes produced by parameter substitution and expansion over one compilation. */
    public static final int MAX_EXPANDED_NODES = 150_000;
    /** Commands invoking commands: deeper than this is a command that invokes itself. */
    public static final int MAX_COMMAND_DEPTH = 40;
    /** Jobs one matrix may generate. */
    public static final int MAX_MATRIX_JOBS = 256;
    /** Jobs in all workflows together. */
    public static final int MAX_WORKFLOW_JOBS = 2_000;
    /** Nesting of logic statements, as CircleCI documents it. */
    public static final int MAX_LOGIC_DEPTH = 100;
    /** Characters a regular expression may examine for one match (the guard against catastrophic backtracking). */
    public static final int MAX_REGEX_STEPS = 1_000_000;
    /** Orbs importing orbs. */
    public static final int MAX_ORB_DEPTH = 8;

    private Limits() {}
}
