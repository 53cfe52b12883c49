package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.protocol.ContextsApi;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runway context create|list|delete NAME} and {@code runway context env ...}: sets of job secrets. */
@Command(name = "context", mixinStandardHelpOptions = true,
        description = "Contexts: named sets of variables a workflow job gets as secrets with context: NAME.",
        subcommands = {ContextCommand.Create.class, ContextCommand.ListContexts.class, ContextCommand.Delete.class,
                VariableCommands.ContextEnv.class})
public final class ContextCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a context.")
    static final class Create extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context's name.")
        String name;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            JsonNode context = api.pipelines(environment).variables("POST", ContextsApi.CONTEXTS,
                    new ContextsApi.ContextCreate(name, null));
            out.println("Context " + name + " created (id " + context.get("id").asText() + ").");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the contexts.")
    static final class ListContexts extends ManagementCommand {
        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            Tables table = new Tables("NAME", "ID", "CREATED");
            for (JsonNode context : api.pipelines(environment).variables("GET", ContextsApi.CONTEXTS, null)
                    .get("items")) {
                table.row(context.get("name").asText(), context.get("id").asText(),
                        context.get("created_at").asText());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a context and its variables.")
    static final class Delete extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context's name.")
        String name;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesClient client = api.pipelines(environment);
            client.variables("DELETE", ContextsApi.context(VariableCommands.contextId(client, name)), null);
            out.println("Context " + name + " deleted.");
            return 0;
        }
    }
}
