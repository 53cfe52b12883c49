package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.protocol.ContextsApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code runway context env set|unset|list} and {@code runway project env set|unset|list}: variables whose values
 * are read from standard input (never from argv, where other users could read them) and never shown again.
 */
final class VariableCommands {
    private VariableCommands() {}

    /** A command that reads a value from standard input (tests replace the stream). */
    abstract static class StdinValue extends ManagementCommand {
        InputStream stdin = System.in;

        /** Standard input without its final line end. */
        String value() {
            try {
                String value = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                return value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                        : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            } catch (IOException e) {
                throw new IllegalArgumentException("standard input: cannot read the value (" + e.getMessage() + ")",
                        e);
            }
        }
    }

    /** The id of the context named {@code name}. */
    static String contextId(PipelinesClient client, String name) throws ApiException, InterruptedException {
        for (JsonNode context : client.variables("GET", ContextsApi.CONTEXTS, null).get("items")) {
            if (context.get("name").asText().equals(name)) {
                return context.get("id").asText();
            }
        }
        throw new IllegalArgumentException("context \"" + name + "\" does not exist (runway context list)");
    }

    @Command(name = "env", mixinStandardHelpOptions = true, description = "A context's variables.",
            subcommands = {ContextSet.class, ContextUnset.class, ContextList.class})
    static final class ContextEnv {}

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Sets a context variable; its value is read from standard input.")
    static final class ContextSet extends StdinValue {
        @Parameters(index = "0", paramLabel = "CONTEXT", description = "The context's name.")
        String context;
        @Parameters(index = "1", paramLabel = "VAR", description = "The variable's name.")
        String variable;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesClient client = api.pipelines(environment);
            String id = contextId(client, context);
            client.variables("PUT", ContextsApi.contextVariables(id) + "/" + PipelinesClient.escape(variable),
                    new ContextsApi.VariableValue(value()));
            out.println("Variable " + variable + " of context " + context + " set.");
            return 0;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Deletes a context variable.")
    static final class ContextUnset extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "CONTEXT", description = "The context's name.")
        String context;
        @Parameters(index = "1", paramLabel = "VAR", description = "The variable's name.")
        String variable;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesClient client = api.pipelines(environment);
            client.variables("DELETE", ContextsApi.contextVariables(contextId(client, context)) + "/"
                    + PipelinesClient.escape(variable), null);
            out.println("Variable " + variable + " of context " + context + " deleted.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a context's variables (names).")
    static final class ContextList extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "CONTEXT", description = "The context's name.")
        String context;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesClient client = api.pipelines(environment);
            Tables table = new Tables("VARIABLE", "UPDATED");
            for (JsonNode variable : client.variables("GET", ContextsApi.contextVariables(contextId(client,
                    context)), null).get("items")) {
                table.row(variable.get("variable").asText(), variable.get("updated_at").asText());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "env", mixinStandardHelpOptions = true, description = "A project's variables.",
            subcommands = {ProjectSet.class, ProjectUnset.class, ProjectList.class})
    static final class ProjectEnv {}

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Sets a project variable; its value is read from standard input.")
    static final class ProjectSet extends StdinValue {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;
        @Parameters(index = "1", paramLabel = "VAR", description = "The variable's name.")
        String variable;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).variables("POST", ContextsApi.projectVariables(PipelinesClient.escape(
                    project)), new ContextsApi.ProjectVariableCreate(variable, value()));
            out.println("Variable " + variable + " of project " + project + " set.");
            return 0;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Deletes a project variable.")
    static final class ProjectUnset extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;
        @Parameters(index = "1", paramLabel = "VAR", description = "The variable's name.")
        String variable;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).variables("DELETE", ContextsApi.projectVariables(PipelinesClient.escape(
                    project)) + "/" + PipelinesClient.escape(variable), null);
            out.println("Variable " + variable + " of project " + project + " deleted.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists a project's variables, values masked.")
    static final class ProjectList extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's slug or id.")
        String project;

        @Override
        int run(ManagementClient management, PrintWriter out) throws ApiException, InterruptedException {
            Tables table = new Tables("VARIABLE", "VALUE");
            for (JsonNode variable : api.pipelines(environment).variables("GET", ContextsApi.projectVariables(
                    PipelinesClient.escape(project)), null).get("items")) {
                table.row(variable.get("name").asText(), variable.get("value").asText());
            }
            table.print(out);
            return 0;
        }
    }

}
