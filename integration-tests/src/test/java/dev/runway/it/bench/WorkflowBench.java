package dev.runway.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.it.support.GitRepository;
import dev.runway.it.support.Waits;
import dev.runway.protocol.PipelinesApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Pipelines through the real parts: a git repository made here with a {@code .circleci/config.yml}, its project on
 * the image's server, triggers through API v2, and the image's launch agent (process launcher) and task agents.
 * Trigger -> the first step of the first job (with a standby task agent, and cold), a job's end -> the first step of
 * the job that requires it (against plain pickups of the same agent in the same run), and a 100-job fan-out/fan-in
 * workflow of trivial jobs on 4 slots against 100 trivial jobs submitted at once to the same agent.
 */
final class WorkflowBench {
    private static final String WORKFLOW = "bench";
    private static final Set<String> FINAL = Set.of("success", "failed", "error", "canceled", "not_run",
            "unauthorized");
    /** Jobs of the fan-out/fan-in workflow: a root, the fan, a join. */
    static final int FAN_JOBS = 100;

    private final Options options;
    private final StartupBench startup;
    private final PickupBench pickup;
    private int sequence;

    WorkflowBench(Options options, StartupBench startup, PickupBench pickup) {
        this.options = options;
        this.startup = startup;
        this.pickup = pickup;
    }

    List<Row> measure(Cluster cluster) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.addAll(pickup.withAgent(cluster, "workflow-standby", "", (jobs, agentPid) -> handoffs(cluster, jobs,
                "workflow-standby", true)));
        rows.addAll(pickup.withAgent(cluster, "workflow-cold", "standby_timeout: 0", (jobs, agentPid) ->
                handoffs(cluster, jobs, "workflow-cold", false)));
        rows.addAll(pickup.withAgent(cluster, "workflow-fan", "max_concurrent_tasks: 4", (jobs, agentPid) ->
                fanOut(cluster, jobs, agentPid)));
        return rows;
    }

    /** Two jobs, the second requiring the first; each step stamps the time it ran into the pipeline's directory. */
    private static String handoffConfig(String resourceClass) {
        return """
                version: 2.1
                parameters:
                  markers: {type: string, default: /nonexistent}
                executors:
                  here:
                    machine: true
                    resource_class: %s
                jobs:
                  first:
                    executor: here
                    steps:
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/first-started
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/first-last-step
                  second:
                    executor: here
                    steps:
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/second-started
                workflows:
                  %s:
                    jobs:
                      - first
                      - second: {requires: [first]}
                """.formatted(resourceClass, WORKFLOW);
    }

    /** A root job, {@code FAN_JOBS - 2} jobs that require it, and a join that requires them all; each runs true. */
    private static String fanConfig(String resourceClass) {
        List<String> fan = IntStream.rangeClosed(1, FAN_JOBS - 2).mapToObj(i -> "fan-" + i).toList();
        StringBuilder yaml = new StringBuilder("""
                version: 2.1
                jobs:
                  trivial:
                    machine: true
                    resource_class: %s
                    steps:
                      - run: "true"
                workflows:
                  %s:
                    jobs:
                      - trivial: {name: root}
                """.formatted(resourceClass, WORKFLOW));
        fan.forEach(name -> yaml.append("      - trivial: {name: ").append(name).append(", requires: [root]}\n"));
        yaml.append("      - trivial: {name: join, requires: [").append(String.join(", ", fan)).append("]}\n");
        return yaml.toString();
    }

    /** A repository of {@code config} made under this run's directory, and its project; answers the slug. */
    private String project(Cluster cluster, String name, String config) throws Exception {
        GitRepository repository = GitRepository.withConfig(options.work().resolve(name).resolve("repository"),
                config);
        return cluster.pipelines.createProject(new PipelinesApi.ProjectCreate(Cluster.NAMESPACE,
                repository.directory().toString(), name, "main")).slug();
    }

    /** What one pipeline of the handoff config showed, in milliseconds. */
    private record Handoff(double triggerToFirstStep, double endToNextFirstStep) {}

    /**
     * Per run: {@code options.pipelines()} rounds of a plain pickup (submit -> first step, {@link JobDriver}) and a
     * pipeline (trigger -> first step; first job's last step -> second job's first step), a floor sample after each.
     */
    private List<Row> handoffs(Cluster cluster, JobDriver jobs, String name, boolean standby) throws Exception {
        String slug = project(cluster, name, handoffConfig(Cluster.resourceClass(name)));
        Path markers = Files.createDirectories(options.work().resolve(name).resolve("pipelines"));
        jobs.pickupMillis(); // warm-up: the first task of an agent, and the server's first pipeline
        pipeline(cluster, slug, markers, jobs);
        List<Double> triggerP50 = new ArrayList<>();
        List<Double> triggerP99 = new ArrayList<>();
        List<Double> handoffP50 = new ArrayList<>();
        List<Double> handoffP99 = new ArrayList<>();
        List<Double> pickupP50 = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            List<Double> triggers = new ArrayList<>();
            List<Double> handoffs = new ArrayList<>();
            List<Double> pickups = new ArrayList<>();
            for (int i = 0; i < options.pipelines(); i++) {
                pickups.add(jobs.pickupMillis());
                floors.add(startup.pickupFloorMillis());
                Handoff handoff = pipeline(cluster, slug, markers, jobs);
                triggers.add(handoff.triggerToFirstStep());
                handoffs.add(handoff.endToNextFirstStep());
                floors.add(startup.pickupFloorMillis());
            }
            triggerP50.add(Stats.percentile(triggers, 50));
            triggerP99.add(Stats.percentile(triggers, 99));
            handoffP50.add(Stats.percentile(handoffs, 50));
            handoffP99.add(Stats.percentile(handoffs, 99));
            pickupP50.add(Stats.percentile(pickups, 50));
        }
        String floorName = "task agent JVM alone + bash -c true";
        Stats floor = Stats.of(floors);
        Stats pickups = Stats.of(pickupP50);
        String kind = standby ? "with a standby" : "without a standby (cold)";
        String note = options.pipelines() + " pipelines per run, one at a time, each after a plain pickup on the same "
                + "agent; a floor sample after each; " + (standby ? "the standby task agent the previous task left"
                : "standby_timeout: 0, as the first job after an idle spell");
        String pickupName = "pickup p50, " + (standby ? "" : "no standby, ") + "same agent, same run";
        List<Row> rows = new ArrayList<>();
        Stats trigger = Stats.of(triggerP50);
        if (standby) {
            rows.add(Row.infoBeside("pipeline trigger -> first step p50, " + kind, "ms", trigger, floorName, floor,
                    note));
        } else {
            rows.add(Row.measured("pipeline trigger -> first step p50, " + kind, "ms", trigger, floorName, floor,
                    "<= 1.2x floor", trigger.median() <= 1.2 * floor.median(), note));
            rows.add(Row.measured("pickup without a standby p50 (plain job, same run)", "ms", pickups, floorName,
                    floor, "<= 1.2x floor", pickups.median() <= 1.2 * floor.median(),
                    "submit -> first step, interleaved with the pipelines above"));
        }
        rows.add(Row.infoBeside("pipeline trigger -> first step p99, " + kind, "ms", Stats.of(triggerP99), floorName,
                floor, ""));
        Stats handoff = Stats.of(handoffP50);
        String handoffFigure = "job end -> first step of the job requiring it p50, " + kind;
        String handoffNote = "from the first job's last step stamping the time (its last action) to the second job's"
                + " first step: the result sent, the workflow scheduled, the task queued, claimed and started";
        rows.add(standby ? Row.measured(handoffFigure, "ms", handoff, pickupName, pickups, "<= 1.5x pickup",
                handoff.median() <= 1.5 * pickups.median(), handoffNote)
                : Row.infoBeside(handoffFigure, "ms", handoff, pickupName, pickups, handoffNote));
        rows.add(Row.infoBeside("job end -> first step of the job requiring it p99, " + kind, "ms",
                Stats.of(handoffP99), pickupName, pickups, ""));
        return rows;
    }

    /** Triggers one handoff pipeline and waits for it; answers its two figures. */
    private Handoff pipeline(Cluster cluster, String slug, Path markers, JobDriver jobs) throws Exception {
        Path directory = Files.createDirectories(markers.resolve("p-" + ++sequence));
        long triggered = Processes.epochNanos();
        String pipeline = cluster.pipelines.trigger(slug, "main", null, Map.of("markers", directory.toString()))
                .id();
        awaitSuccess(cluster, pipeline, jobs);
        long firstStarted = stamp(directory.resolve("first-started"));
        long firstLastStep = stamp(directory.resolve("first-last-step"));
        long secondStarted = stamp(directory.resolve("second-started"));
        JobDriver.settle();
        return new Handoff((firstStarted - triggered) / 1e6, (secondStarted - firstLastStep) / 1e6);
    }

    /**
     * Per run: the fan-out/fan-in workflow, triggered and timed until it is over, then {@code FAN_JOBS} trivial jobs
     * submitted at once to the same agent, timed the same way; each starts once the machine is quiet.
     */
    private List<Row> fanOut(Cluster cluster, JobDriver jobs, long agentPid) throws Exception {
        String slug = project(cluster, "workflow-fan", fanConfig(Cluster.resourceClass("workflow-fan")));
        jobs.jobsPerSecond(4, agentPid); // warm-up, as the jobs/s rows
        List<Double> workflows = new ArrayList<>();
        List<Double> batches = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            Processes.awaitQuiet(java.time.Duration.ofSeconds(30));
            long start = System.nanoTime();
            String pipeline = cluster.pipelines.trigger(slug, "main", null, Map.of()).id();
            awaitSuccess(cluster, pipeline, jobs);
            workflows.add((System.nanoTime() - start) / 1e9);
            Processes.awaitQuiet(java.time.Duration.ofSeconds(30));
            batches.add(FAN_JOBS / jobs.jobsPerSecond(FAN_JOBS, agentPid).jobsPerSecond());
        }
        Stats workflow = Stats.of(workflows);
        Stats batch = Stats.of(batches);
        return List.of(Row.infoBeside(FAN_JOBS + "-job fan-out/fan-in workflow, trivial jobs, 4 slots", "s", workflow,
                FAN_JOBS + " trivial jobs at once, same agent", batch, "trigger -> workflow over (polled every "
                        + JobDriver.POLL.toMillis() + " ms, as the jobs), root -> " + (FAN_JOBS - 2)
                        + " jobs -> join; one run of each per run, alternating"));
    }

    /** Waits until the pipeline's workflow is over; fails unless it succeeded. */
    private static void awaitSuccess(Cluster cluster, String pipeline, JobDriver jobs) {
        JsonNode workflow = Waits.lastUntil(JobDriver.TIMEOUT, JobDriver.POLL, () -> workflow(cluster, pipeline),
                found -> found != null && FINAL.contains(found.path("status").asText()));
        if (workflow == null || !workflow.path("status").asText().equals("success")) {
            String detail;
            try {
                detail = workflow == null ? "no workflow" : cluster.pipelines.workflowJobs(workflow.path("id")
                        .asText()).path("items").findValuesAsText("status").stream().collect(Collectors.joining(
                                ", "));
            } catch (ApiException | InterruptedException e) {
                detail = e.toString();
            }
            throw new IllegalStateException("the workflow of pipeline " + pipeline + " did not succeed: " + workflow
                    + "; job statuses: " + detail + "; agent log:\n" + PickupBench.tail(jobs.agentLog()));
        }
    }

    private static JsonNode workflow(Cluster cluster, String pipeline) throws InterruptedException, ApiException {
        for (JsonNode workflow : cluster.pipelines.workflows(pipeline).path("items")) {
            if (workflow.path("name").asText().equals(WORKFLOW)) {
                return workflow;
            }
        }
        return null;
    }

    private static long stamp(Path file) throws java.io.IOException {
        return Long.parseLong(Files.readString(file).strip());
    }
}
