package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobDefinitionParser;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway job submit|status|logs|cancel|list}. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Submit jobs and watch them run.",
        subcommands = {JobCommand.Submit.class, JobCommand.Status.class, JobCommand.Logs.class,
                JobCommand.Cancel.class, JobCommand.ListJobs.class})
public final class JobCommand {

    /** Exit status of a followed job: 0 when it succeeded. */
    static int exitStatus(JobStatus status) {
        return status.state() == JobState.SUCCESS ? 0 : 1;
    }

    /** The largest job file: a submitted job is a JSON body, which the server takes up to 1 MiB. */
    static final long MAX_JOB_FILE_BYTES = 1024 * 1024;

    /** Reads a job file (YAML or JSON) and checks it as the server will; errors name the file and the field. */
    static JobSubmission readJobFile(Path file, String resourceClass) {
        JsonNode tree = readOneDocument(file);
        try {
            JobSubmission job = JobDefinitionParser.submission(tree);
            if (resourceClass != null) {
                job = new JobSubmission(resourceClass, job.name(), job.steps(), job.environment(), job.secrets(),
                        job.checkout(), job.maxRunTime());
            }
            JobDefinitionParser.parse(job);
            return job;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file's one YAML (or JSON) document; a second document is refused with its line, not dropped. */
    private static JsonNode readOneDocument(Path file) {
        int secondDocumentLine;
        try {
            long size = Files.size(file);
            if (size > MAX_JOB_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": is " + size + " bytes; a job file may hold at most "
                        + MAX_JOB_FILE_BYTES + " bytes");
            }
            try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class)
                    .readValues(Files.readString(file))) {
                JsonNode tree = documents.hasNextValue() ? documents.nextValue() : null;
                if (!documents.hasNextValue()) {
                    return tree;
                }
                secondDocumentLine = documents.getParser().currentTokenLocation().getLineNr();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it as YAML or JSON ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
        }
        throw new IllegalArgumentException(file + ":" + secondDocumentLine
                + ": holds a second YAML document (after ---); a job file holds one job");
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Submits a job: a YAML or JSON file with resource_class, name, steps (CircleCI's",
                    "checkout and run shapes), environment, secrets, checkout {repository, revision, branch} and",
                    "max_run_time. With --follow, streams its output and exits 0 only if it succeeded."})
    static final class Submit extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "FILE") Path file;
        @Option(names = {"-f", "--follow"}, description = "Stream the job's output until it ends.") boolean follow;
        @Option(names = "--resource-class", paramLabel = "NAMESPACE/NAME",
                description = "Run it on this resource class instead of the file's.") String resourceClass;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobStatus job = client.submitJob(readJobFile(file, resourceClass));
            out.println("Job #" + job.buildNum() + " " + job.name() + " submitted to " + job.resourceClass()
                    + ": " + job.id());
            out.flush();
            if (!follow) {
                return 0;
            }
            return exitStatus(new JobFollower(client, out).print(job.id(), true));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "A job's state and its steps.")
    static final class Status extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "JOB-ID") String id;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobStatus job = client.jobStatus(id);
            out.println("Job #" + job.buildNum() + " " + job.name() + " (" + job.id() + ")");
            out.println("  resource class: " + job.resourceClass());
            out.println("  state:          " + job.state().name().toLowerCase(Locale.ROOT)
                    + (job.cancelRequested() && !job.state().isFinal() ? " (cancel requested)" : "")
                    + (job.reason() == null ? "" : " (" + job.reason() + ")"));
            out.println("  runner:         " + (job.runner() == null ? "-" : job.runner() + " (attempt "
                    + job.attempts() + ")"));
            out.println("  created:        " + job.createdAt());
            if (job.startedAt() != null) {
                out.println("  duration:       " + JobFollower.seconds(JobFollower.jobDuration(job)));
            }
            out.println();
            Tables table = new Tables("#", "Step", "Status", "Exit", "Duration", "Output");
            for (JobsApi.StepState step : job.steps()) {
                table.row(step.index() + 1, step.name(), JobFollower.word(step.status()), step.exitCode(),
                        step.durationMillis() == null ? null : JobFollower.seconds(java.time.Duration.ofMillis(
                                step.durationMillis())), step.outputBytes() + " B");
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "A job's output, step by step.")
    static final class Logs extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "JOB-ID") String id;
        @Option(names = {"-f", "--follow"}, description = "Keep streaming until the job ends.") boolean follow;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobStatus status = new JobFollower(client, out).print(id, follow);
            return follow ? exitStatus(status) : 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels a job: a queued one at once, a running one through its runner.")
    static final class Cancel extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "JOB-ID") String id;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobStatus job = client.cancelJob(id);
            if (job.state() == JobState.CANCELED) {
                out.println("Job #" + job.buildNum() + " canceled.");
            } else if (job.state().isFinal()) {
                out.println("Job #" + job.buildNum() + " had already ended: " + job.state().name()
                        .toLowerCase(Locale.ROOT) + ".");
            } else {
                out.println("Job #" + job.buildNum() + ": cancel requested; its runner stops it at its next "
                        + "heartbeat.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists jobs, newest first.")
    static final class ListJobs extends ManagementCommand {
        @Option(names = "--resource-class", paramLabel = "NAMESPACE/NAME") String resourceClass;
        @Option(names = "--state", paramLabel = "STATE",
                description = "queued, running, success, failed, canceled or infrastructure_fail") String state;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20") int limit;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobState filter = null;
            if (state != null) {
                try {
                    filter = JobState.valueOf(state.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--state: \"" + state + "\" is not one of queued, running, "
                            + "success, failed, canceled, infrastructure_fail", e);
                }
            }
            Tables table = new Tables("#", "ID", "Name", "Resource Class", "State", "Created");
            for (JobStatus job : client.listJobs(resourceClass, filter, limit).items()) {
                table.row(job.buildNum(), job.id(), job.name(), job.resourceClass(),
                        job.state().name().toLowerCase(Locale.ROOT), job.createdAt());
            }
            table.print(out);
            return 0;
        }
    }
}
