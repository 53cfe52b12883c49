package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TestTimings;
import dev.runway.taskagent.circleci.CircleciCommand;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * What the task agent puts beside a job before its first step, in the task's scratch directory (the job user's,
 * removed at the task's end): a {@code bin} directory first in PATH with the {@code circleci} command, and the
 * timings of the job's earlier run, fetched with the task token (which stays in the task agent: the job reads the
 * file, never the server).
 */
final class JobTools {
    static final String TIMINGS_FILE = "test-timings.json";

    private JobTools() {}

    /**
     * Sets up the tools of {@code job} in {@code scratch} and the variables that point at them in
     * {@code environment}. The timings are fetched only when a step mentions {@code circleci}: every other job is
     * spared the request.
     */
    static void prepare(TaskClient client, TaskJob job, Path scratch, List<String> circleciCommand,
            Map<String, String> environment) throws IOException, ApiException, InterruptedException {
        if (circleciCommand.isEmpty()) {
            return;
        }
        Path bin = Files.createDirectory(scratch.resolve("bin"));
        // a loop, not a stream: this runs before every job's first step, and a stream's first use costs milliseconds
        StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
        for (String word : circleciCommand) {
            script.append(' ').append(quote(word));
        }
        script.append(" \"$@\"\n");
        for (String name : List.of("circleci", "circleci-agent")) {
            Path file = bin.resolve(name);
            Files.writeString(file, script, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
            } catch (UnsupportedOperationException e) {
                file.toFile().setExecutable(true, true);
            }
        }
        String path = environment.get("PATH");
        environment.put("PATH", bin + (path == null || path.isEmpty() ? "" : File.pathSeparator + path));
        if (usesCircleci(job)) {
            TestTimings timings = client.testTimings();
            Path file = scratch.resolve(TIMINGS_FILE);
            Files.write(file, Json.write(timings));
            environment.put(CircleciCommand.TIMINGS_VARIABLE, file.toString());
        }
    }

    private static boolean usesCircleci(TaskJob job) {
        if (job.steps() == null) {
            return false;
        }
        for (StepSpec step : job.steps()) {
            if (step.command() != null && step.command().contains("circleci")) {
                return true;
            }
        }
        return false;
    }

    /** A word for sh, in single quotes. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
