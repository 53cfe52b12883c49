package dev.runway.it.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The suite's workflow job kind: a fan-out/fan-in workflow drawn from the seed ({@code start} -> {@code fan-1..n} ->
 * {@code join} -> {@code after}, one fan job failing on some seeds with a {@code rescue} job that requires it to have
 * failed), committed once as a project's config and triggered as many pipelines, each with its own {@code prefix}
 * parameter. Each job prints numbered lines (derived from the seed and the prefix: compared byte for byte) and
 * appends {@code begin} and {@code end} lines to a ledger file outside every task's directory, which shows the order
 * in which jobs really ran.
 */
final class FaultWorkflow {
    static final String WORKFLOW = "fan";

    /** One job of the workflow: what it requires (job name -> accepted statuses), its lines, its own outcome. */
    record JobPlan(String name, Map<String, List<String>> requires, int lines, int batches, double pause,
            boolean fails) {
        /** Which step prints the lines: the first job checks the project out first. */
        int linesStep() {
            return name.equals("start") ? 1 : 0;
        }

        /** The job's step output for a pipeline of {@code prefix}: its lines (a failing job prints them, then exits). */
        byte[] expectedOutput(String prefix) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 1; i <= lines; i++) {
                out.writeBytes(String.format(Locale.ROOT, "%s %s %06d\n", prefix, name, i)
                        .getBytes(StandardCharsets.US_ASCII));
            }
            return out.toByteArray();
        }
    }

    private final List<JobPlan> jobs;
    private final Path ledger;

    private FaultWorkflow(List<JobPlan> jobs, Path ledger) {
        this.jobs = List.copyOf(jobs);
        this.ledger = ledger;
    }

    /** Draws the workflow: {@code fanOut} jobs between start and join; every job's lines and pauses from the seed. */
    static FaultWorkflow random(Random random, int fanOut, Path ledger) {
        List<JobPlan> jobs = new ArrayList<>();
        jobs.add(plan(random, "start", Map.of(), false));
        Map<String, List<String>> fans = new LinkedHashMap<>();
        int failing = random.nextInt(3) == 0 ? 1 + random.nextInt(fanOut) : 0;
        for (int i = 1; i <= fanOut; i++) {
            jobs.add(plan(random, "fan-" + i, Map.of("start", List.of("success")), i == failing));
            fans.put("fan-" + i, List.of("success"));
        }
        jobs.add(plan(random, "join", fans, false));
        jobs.add(plan(random, "after", Map.of("join", List.of("success")), false));
        if (failing > 0) {
            jobs.add(plan(random, "rescue", Map.of("fan-" + failing, List.of("failed")), false));
        }
        return new FaultWorkflow(jobs, ledger);
    }

    private static JobPlan plan(Random random, String name, Map<String, List<String>> requires, boolean fails) {
        boolean slow = random.nextInt(3) == 0; // a slow job is long enough for a kill to find it running
        return new JobPlan(name, requires, 1 + random.nextInt(slow ? 300 : 120), slow ? 4 + random.nextInt(5) : 2,
                slow ? 0.4 : 0.1, fails);
    }

    List<JobPlan> jobs() {
        return jobs;
    }

    JobPlan job(String name) {
        return jobs.stream().filter(job -> job.name().equals(name)).findFirst().orElse(null);
    }

    Path ledger() {
        return ledger;
    }

    /** The project's .circleci/config.yml (version 2.1) running on the suite's resource class. */
    String config() {
        StringBuilder yaml = new StringBuilder("""
                version: 2.1
                parameters:
                  prefix: {type: string, default: "unset"}
                executors:
                  here:
                    machine: true
                    resource_class: %s
                jobs:
                """.formatted(FaultCluster.RESOURCE_CLASS));
        for (JobPlan job : jobs) {
            yaml.append("  ").append(job.name()).append(":\n    executor: here\n    steps:\n");
            if (job.linesStep() == 1) {
                yaml.append("      - checkout\n");
            }
            yaml.append("      - run:\n          name: lines\n          command: |\n")
                    .append(command(job).indent(12));
        }
        yaml.append("workflows:\n  ").append(WORKFLOW).append(":\n    jobs:\n");
        for (JobPlan job : jobs) {
            yaml.append("      - ").append(job.name());
            if (!job.requires().isEmpty()) {
                yaml.append(":\n          requires:\n");
                job.requires().forEach((name, statuses) -> yaml.append("            - ").append(
                        statuses.equals(List.of("success")) ? name : "{" + name + ": " + statuses + "}").append('\n'));
            } else {
                yaml.append('\n');
            }
        }
        return yaml.toString();
    }

    /** The job's one run step: a begin line in the ledger, its lines in batches, an end line (then its exit). */
    private String command(JobPlan job) {
        String mark = "printf '%s %s %s\\n' \"$CIRCLE_WORKFLOW_ID\" \"$CIRCLE_JOB\" >> '" + ledger + "'";
        StringBuilder command = new StringBuilder(mark.replaceFirst("%s", "begin") + "\n");
        int from = 1;
        for (int batch = 0; batch < job.batches() && from <= job.lines(); batch++) {
            int to = batch == job.batches() - 1 ? job.lines() : Math.min(job.lines(), from + job.lines() / job.batches());
            command.append("seq -f '<< pipeline.parameters.prefix >> ").append(job.name()).append(" %06g' ")
                    .append(from).append(' ').append(to).append('\n');
            if (to < job.lines()) {
                command.append("sleep ").append(job.pause()).append('\n');
            }
            from = to + 1;
        }
        command.append(mark.replaceFirst("%s", "end")).append('\n');
        if (job.fails()) {
            command.append("exit 3\n");
        }
        return command.toString();
    }
}
