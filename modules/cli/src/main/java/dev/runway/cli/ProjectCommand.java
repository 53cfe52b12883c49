package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.TriggersApi;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runway project create|list|show|update|delete}: git repositories whose {@code .circleci/config.yml} runs
 * here, and how they trigger pipelines without a webhook (polling).
 */
@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Projects: git repositories whose .circleci/config.yml pipelines run on this server.",
        subcommands = {ProjectCommand.Create.class, ProjectCommand.ListProjects.class, ProjectCommand.Show.class,
                ProjectCommand.Update.class, ProjectCommand.Delete.class, ProjectWebhookSecret.class,
                VariableCommands.ProjectEnv.class, ProjectSshKeyCommand.class,
                ProjectCommand.ArtifactRetention.class})
public final class ProjectCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a project; prints its slug (gh/ORG/REPO, ...), which triggers name.")
    static final class Create extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "the namespace whose runners run its jobs")
        String namespace;
        @Parameters(index = "1", paramLabel = "REPO-URL", description = "any URL or path git can fetch")
        String repository;
        @Option(names = "--name", paramLabel = "N", description = "the project's name (default: the repository's)")
        String name;
        @Option(names = "--default-branch", paramLabel = "B", defaultValue = "main",
                description = "the branch a trigger without --branch or --tag builds (default ${DEFAULT-VALUE})")
        String defaultBranch;
        @Option(names = "--webhook-secret-file", paramLabel = "F",
                description = "the webhook secret, read from this file (default: one is generated and shown once)")
        java.nio.file.Path webhookSecretFile;
        @Mixin
        Polling polling;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            String secret = ProjectWebhookSecret.read(webhookSecretFile, "--webhook-secret-file");
            polling.check();
            PipelinesApi.Project project = api.pipelines(environment).createProject(new PipelinesApi.ProjectCreate(
                    namespace, repository, name, defaultBranch));
            out.println("Project " + project.slug() + " created (id " + project.id() + ").");
            ProjectWebhookSecret.print(out, api.pipelines(environment).setWebhookSecret(project.slug(), secret),
                    api.target(environment).host().toString());
            if (polling.branches != null) {
                polling.print(out, api.pipelines(environment).setPoll(project.slug(), polling.branches,
                        polling.intervalSeconds()));
            }
            out.println("Trigger it: runway pipeline trigger " + project.slug());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the projects.")
    static final class ListProjects extends ManagementCommand {
        @Mixin
        OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            java.util.List<PipelinesApi.Project> projects = api.pipelines(environment).listProjects().items();
            output.print(out, projects, projects.stream().map(PipelinesApi.Project::slug).toList(), printer -> {
                Tables table = new Tables("SLUG", "NAMESPACE", "DEFAULT BRANCH", "REPOSITORY");
                for (PipelinesApi.Project project : projects) {
                    table.row(project.slug(), project.namespace(), project.vcsInfo().defaultBranch(),
                            project.vcsInfo().vcsUrl());
                }
                table.print(printer);
            });
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows a project (by slug or id).")
    static final class Show extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;

        @Mixin
        OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesApi.Project shown = api.pipelines(environment).project(project);
            TriggersApi.PollStatus poll = api.pipelines(environment).poll(project);
            output.print(out, shown, java.util.List.of(shown.slug()), printer -> {
                printer.println("slug:           " + shown.slug());
                printer.println("id:             " + shown.id());
                printer.println("name:           " + shown.name());
                printer.println("namespace:      " + shown.namespace());
                printer.println("repository:     " + shown.vcsInfo().vcsUrl());
                printer.println("default branch: " + shown.vcsInfo().defaultBranch());
                if (poll != null) {
                    printer.println("polled:         " + String.join(", ", poll.branches()) + " every "
                            + poll.intervalSeconds() + "s; last poll " + (poll.lastPolledAt() == null ? "none"
                            : poll.lastPolledAt()) + (poll.lastError() == null ? "" : " (" + poll.lastError() + ")"));
                    poll.heads().forEach((branch, head) -> printer.println("  " + branch + " at " + head));
                }
            });
            return 0;
        }
    }

    /** {@code --poll B[,B] [--poll-interval D]}: the branches the server polls for new commits, and how often. */
    static final class Polling {
        @Option(names = "--poll", paramLabel = "BRANCH[,BRANCH]", split = ",",
                description = "Poll these branches for new commits and build each new one (for a repository that"
                        + " cannot send webhooks).")
        List<String> branches;
        @Option(names = "--poll-interval", paramLabel = "D",
                description = "How often to poll, e.g. 60s or 5m (default 60s).")
        String interval;

        void check() {
            if (interval != null && branches == null) {
                throw new IllegalArgumentException("--poll-interval: give --poll BRANCH too");
            }
            intervalSeconds();
        }

        Long intervalSeconds() {
            if (interval == null) {
                return null;
            }
            try {
                java.time.Duration duration = dev.runway.protocol.GoDuration.parse(interval);
                if (duration.toSeconds() < 1) {
                    throw new IllegalArgumentException("at least 1s");
                }
                return duration.toSeconds();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--poll-interval: \"" + interval + "\" is not a duration of 1s"
                        + " or more like 60s or 5m (" + e.getMessage() + ")", e);
            }
        }

        void print(PrintWriter out, TriggersApi.PollStatus status) {
            out.println("Polling " + String.join(", ", status.branches()) + " every " + status.intervalSeconds()
                    + "s: each new commit becomes a pipeline (trigger type poll).");
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Changes how a project is polled: --poll BRANCH[,BRANCH] [--poll-interval D], or --no-poll.")
    static final class Update extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;
        @Mixin
        Polling polling;
        @Option(names = "--no-poll", description = "Stop polling the project.")
        boolean noPoll;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            polling.check();
            if (noPoll == (polling.branches != null)) {
                throw new IllegalArgumentException("give --poll BRANCH[,BRANCH] or --no-poll");
            }
            if (noPoll) {
                api.pipelines(environment).stopPoll(project);
                out.println("Polling of " + project + " stopped.");
            } else {
                polling.print(out, api.pipelines(environment).setPoll(project, polling.branches,
                        polling.intervalSeconds()));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a project with its pipelines (jobs already queued still run).")
    static final class Delete extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).deleteProject(project);
            out.println("Project " + project + " deleted.");
            return 0;
        }
    }

    @Command(name = "artifact-retention", mixinStandardHelpOptions = true,
            description = "Sets how many days the project's artifacts are kept (default: the server's).")
    static final class ArtifactRetention extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;
        @Parameters(index = "1", paramLabel = "DAYS", description = "Days (1 or more), or default.")
        String days;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            Integer value = null;
            if (!"default".equals(days)) {
                try {
                    value = Integer.valueOf(days);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("DAYS: a whole number of days or default, not \"" + days
                            + "\"");
                }
            }
            com.fasterxml.jackson.databind.JsonNode set = api.pipelines(environment).setArtifactRetention(project,
                    value);
            out.println("Artifacts of " + set.path("project").asText() + " are kept " + (set.hasNonNull("days")
                    ? set.path("days").asInt() + " days."
                    : set.path("default_days").asInt() + " days (the server's default)."));
            return 0;
        }
    }
}
