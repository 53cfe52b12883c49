package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.TriggersApi;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway schedule create|list|delete}: pipelines a project runs on a cron schedule (UTC). */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Schedules: pipelines of a project triggered on a cron (five fields, UTC).",
        subcommands = {ScheduleCommand.Create.class, ScheduleCommand.ListSchedules.class,
                ScheduleCommand.Delete.class})
public final class ScheduleCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a schedule that triggers a pipeline of the project at each minute its cron names.")
    static final class Create extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug, e.g. gh/my-org/app.")
        String project;
        @Option(names = "--cron", required = true, paramLabel = "EXPR",
                description = "Five fields, UTC: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'.")
        String cron;
        @Option(names = "--name", paramLabel = "N", description = "The schedule's name (default: the cron).")
        String name;
        @Option(names = "--description", paramLabel = "TEXT", description = "What the schedule is for.")
        String description;

        static final class Ref {
            @Option(names = "--branch", paramLabel = "B",
                    description = "The branch whose tip to build (default: the project's default branch).")
            String branch;
            @Option(names = "--tag", paramLabel = "T", description = "The tag to build.")
            String tag;
        }

        @ArgGroup(exclusive = true)
        Ref ref = new Ref();

        @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A pipeline parameter (repeatable).")
        List<String> params;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            Map<String, Object> parameters = new LinkedHashMap<>();
            if (ref.branch != null) {
                parameters.put("branch", ref.branch);
            }
            if (ref.tag != null) {
                parameters.put("tag", ref.tag);
            }
            Map<String, Object> pipelineParameters = PipelineCommand.parameters(params);
            for (String reserved : List.of("branch", "tag")) {
                if (pipelineParameters.containsKey(reserved)) {
                    throw new IllegalArgumentException("--param " + reserved + "=...: give --" + reserved
                            + " instead");
                }
            }
            parameters.putAll(pipelineParameters);
            TriggersApi.ScheduleView created = api.pipelines(environment).createSchedule(project,
                    new TriggersApi.ScheduleCreate(name == null ? cron : name, description, cron, null, parameters,
                            null));
            out.println("Schedule " + created.id() + " created: " + created.cron() + " (UTC), next run "
                    + created.nextRunAt() + ".");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the project's schedules: the server's and those of its default branch's config.")
    static final class ListSchedules extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug, e.g. gh/my-org/app.")
        String project;
        @Mixin
        OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            JsonNode items = api.pipelines(environment).schedules(project).path("items");
            List<String> ids = new ArrayList<>();
            items.forEach(item -> ids.add(item.path("id").asText()));
            output.print(out, items, ids, printer -> {
                Tables table = new Tables("ID", "NAME", "CRON (UTC)", "BUILDS", "SOURCE", "NEXT RUN", "LAST");
                for (JsonNode item : items) {
                    JsonNode parameters = item.path("parameters");
                    String builds = parameters.has("tag") ? "tag " + parameters.path("tag").asText()
                            : parameters.path("branch").asText() + (item.hasNonNull("workflow")
                                    ? " (workflow " + item.path("workflow").asText() + ")" : "");
                    String last = item.hasNonNull("last-error") ? "error: " + item.path("last-error").asText()
                            : item.path("last-run-at").asText("-");
                    table.row(item.path("id").asText(), item.path("name").asText(), item.path("cron").asText(), builds,
                            item.path("source").asText(), item.path("next-run-at").asText(), last);
                }
                table.print(printer);
            });
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a schedule (by id).")
    static final class Delete extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id (runway schedule list).")
        String id;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).deleteSchedule(id);
            out.println("Schedule " + id + " deleted.");
            return 0;
        }
    }
}
