package dev.runway.cli.install;

import java.io.IOException;

/**
 * One action of an install or uninstall. Dry-run, idempotence and error reporting all come from this shape: a dry run
 * prints {@link #describe()} for every step that is not {@link #isDone()}; a real run applies only those steps.
 * {@link #apply()} either completes or leaves nothing half-written.
 */
public interface Step {
    /** What the step does, for the user; never contains a secret. */
    String describe();

    /** Whether the system already looks the way this step would leave it. */
    boolean isDone() throws IOException;

    /** Makes it so. */
    void apply() throws IOException;
}
