package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.agent.LaunchAgent;
import dev.runway.agent.TreeRemover;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Launchers;
import dev.runway.pipeline.Compilation;
import dev.runway.pipeline.CompiledPipeline;
import dev.runway.pipeline.OrbSource;
import dev.runway.pipeline.PipelineCompiler;
import dev.runway.pipeline.PipelineValues;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.PipelinesApi;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import dev.runway.server.pipeline.PipelineSettings;
import dev.runway.server.pipeline.TriggerRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runway run [DIR]}: the working tree's {@code .circleci/config.yml}, all its workflows, here and now. An
 * embedded server and one launch agent per resource class the config names (docker jobs run on a local class without
 * their image), the working tree committed as it is into a repository of its own, a pipeline triggered on it, and
 * the jobs shown as they start and end, with their output, then a summary. Approval jobs are approved at once.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the .circleci/config.yml of a working tree on this machine.",
                "Every workflow (or one) runs with the working tree checked out as it is, uncommitted changes"
                        + " included.",
                "Exit status: 0 when every workflow succeeded, 1 when one did not, 2 for a bad config."})
public final class RunCommand implements Callable<Integer> {
    static final String LOCAL_CLASS = "runway-run/local";
    private static final int SLOTS = 4;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "the working tree (default: the current directory)")
    Path directory;

    @Option(names = "--workflow", paramLabel = "W", description = "run only this workflow")
    String workflow;

    @Option(names = "--job", paramLabel = "J", description = "run only this job, alone")
    String job;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a pipeline parameter (repeatable)")
    List<String> params;

    @Option(names = "--keep", description = "keep the temporary directory (server data, logs) and say where")
    boolean keep;

    private record Agent(LaunchAgent agent, Thread thread, Launcher launcher) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path tree = directory.toAbsolutePath().normalize();
        Path config = tree.resolve(".circleci/config.yml");
        if (!Files.isRegularFile(config)) {
            err.println("run: " + config + " does not exist");
            err.flush();
            return Runway.EXIT_INVALID;
        }
        Map<String, Object> parameters;
        try {
            parameters = PipelineCommand.parameters(params);
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage());
            err.flush();
            return Runway.EXIT_INVALID;
        }
        Path home = Files.createTempDirectory("runway-run-");
        dev.runway.cli.logging.Logging.configure(QuickstartCommand.agentLogging(home));
        RunwayServer server = null;
        List<Agent> agents = new ArrayList<>();
        boolean succeeded = false;
        try {
            WorkingTreeSnapshot snapshot = WorkingTreeSnapshot.take(tree, home.resolve("source"));
            out.println("Running " + config + " (branch " + snapshot.branch() + ")");
            out.println("  the working tree is checked out as it is, uncommitted changes included");
            Set<String> classes = resourceClasses(config, snapshot, parameters);
            if (classes == null) {
                err.println("run: the config has problems: runway config validate " + config);
                err.flush();
                return Runway.EXIT_INVALID;
            }
            server = RunwayServer.start(new ServerSettings(home.resolve("server"), "127.0.0.1", 0),
                    PipelineSettings.defaults().withDockerClasses(Map.of(PipelineSettings.DEFAULT_IMAGE,
                            LOCAL_CLASS)));
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(60));
            ManagementClient management = new ManagementClient(transport, server.adminToken());
            PipelinesClient pipelines = new PipelinesClient(transport, server.adminToken());
            Set<String> namespaces = new TreeSet<>();
            for (String rc : classes) {
                String namespace = rc.substring(0, rc.indexOf('/'));
                if (namespaces.add(namespace)) {
                    management.createNamespace(namespace, "local/" + namespace);
                }
                management.createResourceClass(rc, "runway run on this machine");
                String token = management.createToken(rc, "runway-run").token();
                agents.add(startAgent(server, token, home, rc, agents.size()));
            }
            out.println("  server " + server.uri() + ", runners for " + String.join(", ", classes));
            management.createNamespace("runway-run-project", "github/local");
            String slug = pipelines.createProject(new PipelinesApi.ProjectCreate("runway-run-project",
                    snapshot.repository().toString(), safeName(tree), snapshot.branch())).slug();
            String pipelineId = server.triggerPipeline(slug, new TriggerRequest(snapshot.branch(), null, null,
                    parameters, "explicit", System.getProperty("user.name", "local"), workflow, job));
            out.println();
            out.flush();
            succeeded = new RunWatcher(pipelines, management, out, slug).watch(pipelineId);
            return succeeded ? 0 : 1;
        } catch (ApiException | LaunchException | RuntimeException e) {
            out.flush();
            err.println("run failed: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            for (Agent agent : agents) {
                QuickstartCommand.stop(agent.agent(), agent.thread(), agent.launcher(), null);
            }
            if (server != null) {
                server.close();
            }
            if (keep || !succeeded) {
                out.println("Kept " + home + " (logs in runway.log)");
            } else {
                TreeRemover.remove(home);
            }
            out.flush();
        }
    }

    /** The self-hosted classes the config's jobs name, and the local class for docker jobs; null on problems. */
    private Set<String> resourceClasses(Path config, WorkingTreeSnapshot snapshot, Map<String, Object> parameters)
            throws IOException {
        PipelineValues.Builder values = PipelineValues.builder().branch(snapshot.branch())
                .revision(snapshot.revision());
        parameters.forEach(values::parameter);
        Compilation compilation = PipelineCompiler.compile(config.toString(), Files.readAllBytes(config),
                values.build(), OrbSource.forConfig(config, List.of()));
        if (compilation.pipeline() == null) {
            PrintWriter err = spec.commandLine().getErr();
            compilation.problems().forEach(problem -> err.println(problem.file() + ":" + problem.line() + ":"
                    + problem.column() + ": " + problem.message()));
            return null;
        }
        Set<String> classes = new LinkedHashSet<>();
        classes.add(LOCAL_CLASS);
        for (CompiledPipeline.Job compiled : compilation.pipeline().jobs().values()) {
            if (compiled.resourceClass() != null && compiled.resourceClass().contains("/")) {
                classes.add(compiled.resourceClass());
            }
        }
        return classes;
    }

    private static Agent startAgent(RunwayServer server, String token, Path home, String rc, int index)
            throws LaunchException, IOException {
        LaunchAgentConfig config = QuickstartCommand.localAgentConfig(server, token, home, "run-" + index,
                home.resolve("work-" + index), SLOTS, Duration.ofHours(5));
        Launcher launcher = Launchers.installed().select("process", new LauncherSettings(List.of(), null,
                config.runner().gracePeriod()));
        LaunchAgent agent = LaunchAgent.builder(config, launcher).version(Runway.version())
                .stateDirectory(home.resolve("agent-state-" + index)).notifiers(List.of()).build();
        Thread thread = new Thread(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "run-agent-" + rc);
        thread.start();
        return new Agent(agent, thread, launcher);
    }

    private static String safeName(Path tree) {
        String name = tree.getFileName() == null ? "project" : tree.getFileName().toString();
        name = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return name.isEmpty() ? "project" : name;
    }

    /** Follows the pipeline: jobs as they start and end (with their output), approvals, then the summary. */
    private static final class RunWatcher {
        private final PipelinesClient pipelines;
        private final ManagementClient management;
        private final PrintWriter out;
        private final Map<String, String> seen = new LinkedHashMap<>();
        private final Map<String, String[]> summary = new LinkedHashMap<>();
        private final String slug;

        RunWatcher(PipelinesClient pipelines, ManagementClient management, PrintWriter out, String slug) {
            this.pipelines = pipelines;
            this.management = management;
            this.out = out;
            this.slug = slug;
        }

        boolean watch(String pipelineId) throws ApiException, InterruptedException {
            JsonNode pipeline = pipelines.pipeline(pipelineId);
            if (pipeline.path("state").asText().equals("errored")) {
                pipeline.path("errors").forEach(error -> out.println("error: " + error.path("message").asText()));
                return false;
            }
            while (true) {
                boolean allDone = true;
                boolean allSucceeded = true;
                for (JsonNode workflow : pipelines.workflows(pipelineId).path("items")) {
                    String workflowId = workflow.path("id").asText();
                    String name = workflow.path("name").asText();
                    // the status first: a workflow ends after its jobs, so once it is done the jobs read next are
                    // final too (read the other way round, a job ending in between would never be shown)
                    String status = pipelines.workflow(workflowId).path("status").asText();
                    for (JsonNode job : pipelines.workflowJobs(workflowId).path("items")) {
                        show(workflowId, name, job);
                    }
                    boolean done = List.of("success", "failed", "error", "canceled", "not_run").contains(status);
                    allDone &= done;
                    allSucceeded &= status.equals("success");
                    if (done && seen.put("workflow:" + workflowId, status) == null) {
                        out.println("Workflow " + name + ": " + status);
                    }
                }
                out.flush();
                if (allDone) {
                    printSummary();
                    return allSucceeded;
                }
                Thread.sleep(250);
            }
        }

        private void show(String workflowId, String workflowName, JsonNode job)
                throws ApiException, InterruptedException {
            String id = job.path("id").asText();
            String status = job.path("status").asText();
            String label = workflowName + "/" + job.path("name").asText();
            String before = seen.put(id, status);
            if (status.equals(before)) {
                return;
            }
            switch (status) {
                case "running" -> out.println("> " + label + " started");
                case "on_hold" -> {
                    out.println("> " + label + " waits for approval: approved by runway run");
                    pipelines.approve(workflowId, job.path("approval_request_id").asText());
                }
                case "success", "failed", "canceled", "infrastructure_fail", "timedout" -> {
                    if (!"running".equals(before) && job.hasNonNull("started_at")) {
                        // it started and ended between two looks
                        out.println("> " + label + " started");
                    }
                    if (job.hasNonNull("job_number") && job.path("type").asText().equals("build")) {
                        printOutput(label, job.path("job_number").asLong());
                    }
                    String duration = duration(job);
                    out.println("< " + label + ": " + status + (duration.isEmpty() ? "" : " in " + duration));
                    summary.put(id, new String[] {label, status, duration});
                }
                case "not_run" -> {
                    out.println("- " + label + ": not run");
                    summary.put(id, new String[] {label, status, ""});
                }
                default -> {
                    // queued, blocked: nothing to show yet
                }
            }
        }

        /** The job's steps and output, once it ended: each parallel node's (their build numbers follow the first's). */
        private void printOutput(String label, long number) throws ApiException, InterruptedException {
            int nodes = Math.max(1, pipelines.jobDetails(slug, number).path("parallelism").asInt(1));
            List<JobStatus> jobs = new ArrayList<>(management.listJobs(null, null, 1000).items());
            jobs.sort(java.util.Comparator.comparingLong(JobStatus::buildNum));
            for (JobStatus status : jobs) {
                if (status.buildNum() >= number && status.buildNum() < number + nodes) {
                    out.println("--- " + label + (nodes > 1 ? " node " + (status.buildNum() - number) : "")
                            + " (job #" + status.buildNum() + ")");
                    new JobFollower(management, out).print(status.id(), false);
                }
            }
        }

        private static String duration(JsonNode job) {
            if (!job.hasNonNull("started_at") || !job.hasNonNull("stopped_at")) {
                return "";
            }
            long millis = java.time.Instant.parse(job.path("stopped_at").asText()).toEpochMilli()
                    - java.time.Instant.parse(job.path("started_at").asText()).toEpochMilli();
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }

        private void printSummary() {
            out.println();
            out.println("Summary:");
            Tables table = new Tables("JOB", "STATUS", "DURATION");
            summary.values().forEach(row -> table.row(row[0], row[1], row[2].isEmpty() ? null : row[2]));
            table.print(out);
        }
    }
}
