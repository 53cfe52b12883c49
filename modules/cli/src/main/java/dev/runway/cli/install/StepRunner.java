package dev.runway.cli.install;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** Runs (or, in a dry run, only lists) a plan of steps, one line per step, stopping at the first failure. */
public final class StepRunner {

    /** How a run ended. {@code failedStep} is 0 when every step succeeded. */
    public record Outcome(int changed, int unchanged, int failedStep) {
        public boolean succeeded() {
            return failedStep == 0;
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean dryRun;

    public StepRunner(PrintWriter out, PrintWriter err, boolean dryRun) {
        this.out = out;
        this.err = err;
        this.dryRun = dryRun;
    }

    public Outcome run(String what, List<Step> steps) {
        int changed = 0;
        int unchanged = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String position = "[" + (i + 1) + "/" + steps.size() + "] ";
            if (dryRun) {
                String line = dryRunLine(step);
                if (line.startsWith("unchanged")) {
                    unchanged++;
                } else {
                    changed++;
                }
                out.println(position + line);
                continue;
            }
            try {
                if (step.isDone()) {
                    unchanged++;
                    out.println(position + "unchanged: " + step.describe());
                } else {
                    step.apply();
                    changed++;
                    out.println(position + "done: " + step.describe());
                }
            } catch (IOException | RuntimeException e) {
                out.flush();
                err.println(position + "FAILED: " + step.describe());
                err.println("  cause: " + reason(e));
                err.println(what + " stopped at step " + (i + 1) + " of " + steps.size()
                        + "; the steps before it are complete and nothing of this step was left half-written."
                        + " Fix the cause and run the same command again.");
                err.flush();
                return new Outcome(changed, unchanged, i + 1);
            }
        }
        out.println(what + (dryRun ? " (dry run, nothing changed): " + changed + " would change, "
                : ": " + changed + " changed, ") + unchanged + " unchanged");
        out.flush();
        return new Outcome(changed, unchanged, 0);
    }

    /** A dry run only looks; a check that cannot run (a macOS tool elsewhere) does not stop it. */
    private static String dryRunLine(Step step) {
        try {
            return (step.isDone() ? "unchanged: " : "would: ") + step.describe();
        } catch (IOException | RuntimeException e) {
            return "would: " + step.describe() + " (could not check the current state: " + reason(e) + ")";
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return kind;
        }
        // NoSuchFileException and friends carry only a path: say what kind of problem it is.
        return e instanceof java.nio.file.FileSystemException && !(e.getClass() == java.nio.file.FileSystemException.class)
                ? kind + ": " + message : message;
    }
}
