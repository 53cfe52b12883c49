package dev.runway.taskagent;

import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.TaskJob;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of a job's steps, layered as CircleCI does: the task agent's own environment, then CircleCI's
 * built-in variables, then the job's environment, then the step's. {@code BASH_ENV} names a file every bash step
 * sources at start, so {@code echo 'export X=1' >> $BASH_ENV} carries X into later steps.
 */
final class JobEnvironment {
    private JobEnvironment() {}

    static Map<String, String> forJob(Map<String, String> inherited, TaskJob job, Path workingDirectory,
            Path bashEnv) {
        Map<String, String> env = new HashMap<>(inherited);
        env.put("CI", "true");
        env.put("CIRCLECI", "true");
        env.put("CIRCLE_JOB", nullToEmpty(job.jobName()));
        env.put("CIRCLE_BUILD_NUM", Long.toString(job.buildNum()));
        env.put("CIRCLE_WORKING_DIRECTORY", workingDirectory.toString());
        env.put("CIRCLE_NODE_INDEX", "0");
        env.put("CIRCLE_NODE_TOTAL", "1");
        if (job.checkout() != null) {
            env.put("CIRCLE_SHA1", nullToEmpty(job.checkout().revision()));
            env.put("CIRCLE_BRANCH", nullToEmpty(job.checkout().branch()));
            env.put("CIRCLE_REPOSITORY_URL", nullToEmpty(job.checkout().repository()));
        }
        env.put("BASH_ENV", bashEnv.toString());
        if (job.environment() != null) {
            env.putAll(job.environment());
        }
        return env;
    }

    static Map<String, String> forStep(Map<String, String> jobEnvironment, StepSpec step) {
        Map<String, String> env = new HashMap<>(jobEnvironment);
        if (step.environment() != null) {
            env.putAll(step.environment());
        }
        return env;
    }

    /**
     * A step's working directory: the job's when unset; {@code ~} and {@code ~/...} expand to {@code home}; a
     * relative path is relative to the job's working directory.
     */
    static Path resolveDirectory(String directory, Path jobDirectory, String home) {
        if (directory == null || directory.isBlank()) {
            return jobDirectory;
        }
        String expanded = directory.equals("~") ? home
                : directory.startsWith("~/") ? home + directory.substring(1) : directory;
        return jobDirectory.resolve(expanded).normalize();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
