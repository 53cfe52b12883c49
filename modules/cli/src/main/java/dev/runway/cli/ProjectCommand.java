package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.PipelinesApi;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway project create|list|show|delete}: git repositories whose {@code .circleci/config.yml} runs here. */
@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Projects: git repositories whose .circleci/config.yml pipelines run on this server.",
        subcommands = {ProjectCommand.Create.class, ProjectCommand.ListProjects.class, ProjectCommand.Show.class,
                ProjectCommand.Delete.class, ProjectWebhookSecret.class, VariableCommands.ProjectEnv.class,
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

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            String secret = ProjectWebhookSecret.read(webhookSecretFile, "--webhook-secret-file");
            PipelinesApi.Project project = api.pipelines(environment).createProject(new PipelinesApi.ProjectCreate(
                    namespace, repository, name, defaultBranch));
            out.println("Project " + project.slug() + " created (id " + project.id() + ").");
            ProjectWebhookSecret.print(out, api.pipelines(environment).setWebhookSecret(project.slug(), secret),
                    api.target(environment).host().toString());
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
            output.print(out, shown, java.util.List.of(shown.slug()), printer -> {
                printer.println("slug:           " + shown.slug());
                printer.println("id:             " + shown.id());
                printer.println("name:           " + shown.name());
                printer.println("namespace:      " + shown.namespace());
                printer.println("repository:     " + shown.vcsInfo().vcsUrl());
                printer.println("default branch: " + shown.vcsInfo().defaultBranch());
            });
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
