package dev.runway.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.PipelinesClient;
import dev.runway.it.support.Waits;
import dev.runway.protocol.JobsApi.JobStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants of the workflow job kind, checked after every run with pipelines (each recorded in the cluster's
 * tally): every pipeline's workflow and every one of its jobs ends, once, in a final status; no job is lost or listed
 * twice; a job runs only after what it requires ended, and only when they ended as it requires (else it is
 * {@code not_run}); a job ends as its script says unless a kill hit it; output is byte-exact.
 */
final class WorkflowChecks {
    private static final Set<String> FINAL_WORKFLOW = Set.of("success", "failed", "error", "canceled", "not_run",
            "unauthorized");
    private static final Set<String> FINAL_JOB = Set.of("success", "not_run", "failed", "canceled",
            "infrastructure_fail", "timedout");

    private final FaultCluster cluster;
    private final FaultPipelines pipelines;
    /** Per pipeline id: the workflow as last read (id, status) and its jobs by name, once final. */
    private final Map<String, JsonNode> workflows = new LinkedHashMap<>();
    private final Map<String, Map<String, JsonNode>> jobs = new LinkedHashMap<>();

    WorkflowChecks(FaultCluster cluster, FaultPipelines pipelines) {
        this.cluster = cluster;
        this.pipelines = pipelines;
    }

    /** Every triggered pipeline's workflow reaches a final status, and then every job of it is listed once, final. */
    void allFinal(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (String pipeline : pipelines.triggered().keySet()) {
            JsonNode workflow = Waits.lastUntil(Duration.between(Instant.now(), deadline), RunChecks.POLL,
                    () -> workflow(pipeline), found -> found != null
                            && FINAL_WORKFLOW.contains(found.path("status").asText()));
            boolean ended = workflow != null && FINAL_WORKFLOW.contains(workflow.path("status").asText());
            cluster.tally.check(ended, "the workflow of pipeline " + pipeline + " reaches a final status within "
                    + timeout + "; last: " + workflow);
            if (!ended) {
                continue;
            }
            workflows.put(pipeline, workflow);
            Map<String, JsonNode> byName = jobsByName(workflow.path("id").asText(), pipeline);
            jobs.put(pipeline, byName);
            StringBuilder outcome = new StringBuilder();
            byName.forEach((name, job) -> outcome.append(' ').append(name).append('=').append(job.path("status")
                    .asText()));
            System.out.println("[faults] pipeline " + pipeline + ": workflow " + workflow.path("status").asText()
                    + ";" + outcome);
            for (FaultWorkflow.JobPlan plan : pipelines.workflow().jobs()) {
                JsonNode job = byName.get(plan.name());
                cluster.tally.check(job != null && FINAL_JOB.contains(job.path("status").asText()), "job "
                        + plan.name() + " of pipeline " + pipeline + " is listed and final once its workflow is "
                        + workflow.path("status").asText() + ": " + job);
            }
        }
    }

    /** ... exactly once: statuses and stop times stay what they were for a second. */
    void stable() throws InterruptedException {
        Map<String, String> first = snapshot();
        List<String> changed = new ArrayList<>();
        boolean held = Waits.holds(Duration.ofSeconds(1), RunChecks.POLL, () -> {
            Map<String, String> now = snapshot();
            first.forEach((key, value) -> {
                if (!value.equals(now.get(key))) {
                    changed.add(key + ": " + value + " -> " + now.get(key));
                }
            });
            return changed.isEmpty();
        });
        cluster.tally.check(held, "every workflow and workflow job keeps its final status and stop time: " + changed);
    }

    /**
     * Requires are respected: a job whose required jobs all ended in a status they accept ran, and its first step
     * began (ledger) after every line any required job wrote; any other job is {@code not_run} and never began.
     * Answers the jobs that ran but ended otherwise than their script says (a kill hit them); each counts against
     * {@code allowance}, shared with the run's plain jobs.
     */
    int requiresAndOutcomes(int allowance) throws IOException {
        List<String> ledger = Files.exists(pipelines.workflow().ledger())
                ? Files.readAllLines(pipelines.workflow().ledger(), StandardCharsets.US_ASCII) : List.of();
        List<String> otherwise = new ArrayList<>();
        jobs.forEach((pipeline, byName) -> {
            String workflowId = workflows.get(pipeline).path("id").asText();
            boolean anyFailed = false;
            for (FaultWorkflow.JobPlan plan : pipelines.workflow().jobs()) {
                String status = status(byName, plan.name());
                anyFailed |= requirementWord(status).equals("failed");
                boolean runs = plan.requires().entrySet().stream().allMatch(requirement -> requirement.getValue()
                        .contains(requirementWord(status(byName, requirement.getKey()))));
                int firstBegin = ledger.indexOf("begin " + workflowId + " " + plan.name());
                if (!runs) {
                    cluster.tally.check(status.equals("not_run") && firstBegin < 0, "job " + plan.name()
                            + " of pipeline " + pipeline + ", whose requirements were not met, is not_run and never "
                            + "began: " + status + ", ledger line " + firstBegin);
                    continue;
                }
                cluster.tally.check(!status.equals("not_run") && !status.equals("blocked"), "job " + plan.name()
                        + " of pipeline " + pipeline + ", whose requirements were met, ran: " + status);
                for (String required : plan.requires().keySet()) {
                    int lastOfRequired = Math.max(ledger.lastIndexOf("begin " + workflowId + " " + required),
                            ledger.lastIndexOf("end " + workflowId + " " + required));
                    cluster.tally.check(firstBegin < 0 || firstBegin > lastOfRequired, "job " + plan.name()
                            + " of pipeline " + pipeline + " began (ledger line " + firstBegin + ") after required "
                            + required + " wrote its last line (" + lastOfRequired + ")");
                }
                if (!status.equals(plan.fails() ? "failed" : "success")) {
                    otherwise.add(pipeline + "/" + plan.name() + " " + status);
                }
            }
            String workflowStatus = workflows.get(pipeline).path("status").asText();
            cluster.tally.check(workflowStatus.equals(anyFailed ? "failed" : "success"), "the workflow of pipeline "
                    + pipeline + " is " + (anyFailed ? "failed" : "success") + " as its jobs say: " + workflowStatus);
        });
        cluster.tally.check(otherwise.size() <= allowance, "at most " + allowance + " jobs (one per killed task or "
                + "agent slot, less the plain jobs hit) end otherwise than their script says; workflow jobs that did: "
                + otherwise);
        return otherwise.size();
    }

    /**
     * Output acknowledged is output stored, byte for byte, once, for every job that ended as its script says; each
     * job's task was claimed at most 4 times.
     */
    void outputsByteExact() {
        Map<Long, JobStatus> tasks = new HashMap<>();
        try {
            for (JobStatus task : cluster.management.listJobs(FaultCluster.RESOURCE_CLASS, null, 1000).items()) {
                tasks.put(task.buildNum(), task);
            }
        } catch (ApiException | InterruptedException e) {
            cluster.tally.check(false, "the server lists the workflow jobs' tasks: " + e);
            return;
        }
        jobs.forEach((pipeline, byName) -> {
            String prefix = pipelines.triggered().get(pipeline);
            for (FaultWorkflow.JobPlan plan : pipelines.workflow().jobs()) {
                JsonNode job = byName.get(plan.name());
                if (job == null || !job.path("status").asText().equals(plan.fails() ? "failed" : "success")) {
                    continue;
                }
                JobStatus task = tasks.get(job.path("job_number").asLong());
                cluster.tally.check(task != null, "job " + plan.name() + " of pipeline " + pipeline + " (number "
                        + job.path("job_number") + ") has its task listed");
                if (task == null) {
                    continue;
                }
                cluster.tally.check(task.attempts() <= 4, "the task of job " + plan.name() + " of pipeline "
                        + pipeline + " was claimed at most 4 times: " + task.attempts());
                byte[] expected = plan.expectedOutput(prefix);
                byte[] stored = RunChecks.output(cluster, task.id(), plan.linesStep());
                cluster.tally.check(Arrays.equals(expected, stored), "job " + plan.name() + " of pipeline "
                        + pipeline + " output is byte-exact: " + RunChecks.difference(expected, stored));
            }
        });
    }

    private static String status(Map<String, JsonNode> byName, String name) {
        JsonNode job = byName.get(name);
        return job == null ? "missing" : job.path("status").asText();
    }

    /** The word a requirement's status list matches (as the scheduler's JobStatus#requirementWord). */
    private static String requirementWord(String status) {
        return switch (status) {
            case "success" -> "success";
            case "failed", "infrastructure_fail", "timedout" -> "failed";
            case "canceled" -> "canceled";
            default -> "not_run";
        };
    }

    /** The pipeline's one workflow (null while the server cannot say). */
    private JsonNode workflow(String pipeline) throws InterruptedException {
        try {
            for (JsonNode workflow : client().workflows(pipeline).path("items")) {
                if (workflow.path("name").asText().equals(FaultWorkflow.WORKFLOW)) {
                    return workflow;
                }
            }
        } catch (IOException e) {
            // the server is coming back
        }
        return null;
    }

    /** The workflow's jobs by name; a name listed twice is a violation. */
    private Map<String, JsonNode> jobsByName(String workflowId, String pipeline) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        try {
            for (JsonNode job : client().workflowJobs(workflowId).path("items")) {
                JsonNode before = byName.put(job.path("name").asText(), job);
                cluster.tally.check(before == null, "job " + job.path("name").asText() + " of pipeline " + pipeline
                        + " is listed once");
            }
        } catch (IOException | InterruptedException e) {
            cluster.tally.check(false, "the server lists the jobs of workflow " + workflowId + ": " + e);
        }
        cluster.tally.check(byName.size() == pipelines.workflow().jobs().size(), "the workflow of pipeline "
                + pipeline + " lists its " + pipelines.workflow().jobs().size() + " jobs, no more, no fewer: "
                + byName.keySet());
        return byName;
    }

    /** Every workflow's status and every job's status and stop time, as the server says now. */
    private Map<String, String> snapshot() throws InterruptedException {
        Map<String, String> now = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : workflows.entrySet()) {
            JsonNode workflow = workflow(entry.getKey());
            now.put(entry.getKey(), workflow == null ? "unreadable" : workflow.path("status").asText());
            if (workflow != null) {
                try {
                    for (JsonNode job : client().workflowJobs(workflow.path("id").asText()).path("items")) {
                        now.put(entry.getKey() + "/" + job.path("name").asText(), job.path("status").asText() + " "
                                + job.path("stopped_at"));
                    }
                } catch (IOException e) {
                    now.put(entry.getKey() + "/jobs", "unreadable: " + e.getMessage());
                }
            }
        }
        return now;
    }

    private PipelinesClient client() {
        return pipelines.client();
    }
}
