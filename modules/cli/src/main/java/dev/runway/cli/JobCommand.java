package dev.runway.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code runway job submit|status|logs|cancel|list}. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Submits jobs and follows them as they run.",
        subcommands = {JobCommand.Submit.class, JobCommand.Status.class, JobCommand.Logs.class,
                JobCommand.Cancel.class, JobCommand.ListJobs.class})
public final class JobCommand {

    /** Exit status for a job: {@link ExitCodes#FAILED} once it ended other than successfully, else 0. */
    static int exitStatus(JobStatus status) {
        return status.state().isFinal() && status.state() != JobState.SUCCESS ? ExitCodes.FAILED : ExitCodes.SUCCESS;
    }

    /** The largest job file: a submitted job is a JSON body, which the server takes up to 1 MiB. */
    static final long MAX_JOB_FILE_BYTES = 1024 * 1024;

    /** Reads a job file (YAML or JSON) and checks it as the server will; errors name the file and the field. */
    static JobSubmission readJobFile(Path file, String resourceClass) {
        return readJob(file.toString(), readJobBytes(file), resourceClass);
    }

    /**
     * Reads a job (YAML or JSON) from {@code text}, named {@code source} in errors, and checks it as the server will.
     */
    static JobSubmission readJob(String source, byte[] text, String resourceClass) {
        JsonNode tree = readOneDocument(source, text);
        try {
            JobSubmission job = JobDefinitionParser.submission(tree);
            if (resourceClass != null) {
                job = new JobSubmission(resourceClass, job.name(), job.steps(), job.environment(), job.secrets(),
                        job.checkout(), job.maxRunTime());
            }
            JobDefinitionParser.parse(job);
            return job;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** The file's bytes; a missing, unreadable or oversized file is refused by name before anything is parsed. */
    private static byte[] readJobBytes(Path file) {
        try {
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(file + ": no such file");
            }
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(file + ": is a directory, not a job file");
            }
            long size = Files.size(file);
            if (size > MAX_JOB_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": is " + size + " bytes; a job file may hold at most "
                        + MAX_JOB_FILE_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /** Standard input, at most one byte more than a job file may hold (so that a larger one is refused). */
    static byte[] readStandardInput(java.io.InputStream in) throws IOException {
        byte[] text = in.readNBytes((int) MAX_JOB_FILE_BYTES + 1);
        if (text.length > MAX_JOB_FILE_BYTES) {
            throw new IllegalArgumentException("standard input: holds more than " + MAX_JOB_FILE_BYTES
                    + " bytes; a job may hold at most that");
        }
        return text;
    }

    /**
     * The text's one YAML (or JSON) document; a second document is refused with its line, not dropped; a syntax
     * error names its line and column, as {@code runway config validate} does.
     */
    private static JsonNode readOneDocument(String source, byte[] text) {
        int secondDocumentLine;
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(text)) {
            JsonNode tree = documents.hasNextValue() ? documents.nextValue() : null;
            if (!documents.hasNextValue()) {
                return tree;
            }
            secondDocumentLine = documents.getParser().currentTokenLocation().getLineNr();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new IllegalArgumentException(source + where + ": is not valid YAML or JSON: "
                    + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot be read (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(source + ":" + secondDocumentLine
                + ": holds a second YAML document (after ---); a job file holds one job");
    }

    /** What {@code JOB} means wherever a command takes one. */
    static final String JOB_DESCRIPTION = "The job: its number (as in \"Job #12\") or its id.";

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submits a job from a YAML or JSON file and prints its number.",
            footer = {"", "The file holds resource_class, name, steps (CircleCI's checkout and run shapes), "
                    + "environment, secrets, checkout {repository, revision, branch} and max_run_time. "
                    + "With --follow, it streams the job's output and exits 0 only if the job succeeded "
                    + "(docs/cli.md)."})
    static final class Submit extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "The job file; - reads it from standard input.")
        String file;
        @Option(names = {"-f", "--follow"}, description = "Stream the job's output until it ends.") boolean follow;
        @Option(names = "--cancel-on-interrupt",
                description = "With --follow: Ctrl-C cancels the job (else it detaches and the job goes on).")
        boolean cancelOnInterrupt;
        @Option(names = "--resource-class", paramLabel = "NAMESPACE/NAME",
                description = "Run it on this resource class instead of the file's.") String resourceClass;
        @Mixin OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            if (follow && output.format != OutputFormat.Format.table) {
                throw new ParameterException(spec.commandLine(), "--follow streams the job's output: it does not "
                        + "combine with -o " + output.format + " (use -q to print only the job's number)");
            }
            JobSubmission submission;
            try {
                submission = "-".equals(file)
                        ? readJob("standard input", readStandardInput(System.in), resourceClass)
                        : readJobFile(Path.of(file), resourceClass);
            } catch (IOException e) {
                throw new IllegalArgumentException("standard input: cannot be read (" + e.getMessage() + ")", e);
            }
            JobStatus job = client.submitJob(submission);
            output.print(out, job, java.util.List.of(job.buildNum()), table -> table.println("Job #"
                    + job.buildNum() + " " + job.name() + " submitted to " + job.resourceClass() + ": " + job.id()));
            if (!follow) {
                return 0;
            }
            PrintWriter stream = output.human() ? out : new PrintWriter(java.io.Writer.nullWriter());
            return exitStatus(new JobFollower(client, stream).onInterrupt(spec.commandLine().getErr(),
                    cancelOnInterrupt).print(job.id(), true));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a job's state and its steps.")
    static final class Status extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "JOB", description = JOB_DESCRIPTION) String id;
        @Mixin OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobStatus job = client.jobStatus(id);
            output.print(out, job, java.util.List.of(job.buildNum()), table -> printStatus(job, table));
            return 0;
        }

        private static void printStatus(JobStatus job, PrintWriter out) {
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
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Prints a job's output step by step; exits 1 when the job failed.")
    static final class Logs extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "JOB", description = JOB_DESCRIPTION) String id;
        @Option(names = {"-f", "--follow"}, description = "Keep streaming until the job ends.") boolean follow;
        @Option(names = "--cancel-on-interrupt",
                description = "With --follow: Ctrl-C cancels the job (else it detaches and the job goes on).")
        boolean cancelOnInterrupt;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            return exitStatus(new JobFollower(client, out).onInterrupt(spec.commandLine().getErr(),
                    cancelOnInterrupt).print(id, follow));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels a job: a queued one at once, a running one through its runner.")
    static final class Cancel extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "JOB", description = JOB_DESCRIPTION) String id;

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
        @Option(names = "--resource-class", paramLabel = "NAMESPACE/NAME",
                description = "Only the jobs of this resource class.") String resourceClass;
        @Option(names = "--state", paramLabel = "STATE",
                description = "Only jobs in this state: queued, running, success, failed, canceled, "
                        + "infrastructure_fail or timedout.") String state;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
                description = "At most this many jobs, 1 to 1000 (default: ${DEFAULT-VALUE}).") int limit;
        @Mixin OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JobState filter = null;
            if (state != null) {
                try {
                    filter = JobState.valueOf(state.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--state: \"" + state + "\" is not one of queued, running, "
                            + "success, failed, canceled, infrastructure_fail, timedout", e);
                }
            }
            java.util.List<JobStatus> jobs = client.listJobs(resourceClass, filter, limit).items();
            output.print(out, jobs, jobs.stream().map(JobStatus::buildNum).toList(), text -> {
                Tables table = new Tables("#", "ID", "Name", "Resource Class", "State", "Created");
                for (JobStatus job : jobs) {
                    table.row(job.buildNum(), job.id(), job.name(), job.resourceClass(),
                            job.state().name().toLowerCase(Locale.ROOT), job.createdAt());
                }
                table.print(text);
            });
            return 0;
        }
    }
}
