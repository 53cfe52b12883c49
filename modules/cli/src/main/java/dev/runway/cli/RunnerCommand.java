package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.Names;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway runner ...}: resource classes, their tokens, the runner inventory and task counts. */
@Command(name = "runner", mixinStandardHelpOptions = true,
        description = "Resource classes, resource-class tokens, runner instances and task counts.",
        subcommands = {RunnerCommand.ResourceClass.class, RunnerCommand.Token.class, RunnerCommand.Instance.class,
                RunnerCommand.Tasks.class})
public final class RunnerCommand {

    /** The id of the resource class {@code ns/name}. */
    static ManagementApi.ResourceClass find(ManagementClient client, String resourceClass)
            throws ApiException, InterruptedException {
        Names.ResourceClassName name = Names.resourceClass("RESOURCE-CLASS", resourceClass);
        return client.listResourceClasses(name.namespace()).items().stream()
                .filter(rc -> rc.resourceClass().equals(resourceClass)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("resource class " + resourceClass
                        + " does not exist"));
    }

    @Command(name = "resource-class", mixinStandardHelpOptions = true, description = "Resource classes.",
            subcommands = {ResourceClass.Create.class, ResourceClass.List.class, ResourceClass.Delete.class})
    static final class ResourceClass {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a resource class.")
        static final class Create extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String resourceClass;
            @Parameters(index = "1", paramLabel = "DESCRIPTION", defaultValue = "") String description;
            @Option(names = "--generate-token", description = "Also create a token and print its launch-agent "
                    + "config.") boolean generateToken;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                ManagementApi.ResourceClass created = client.createResourceClass(resourceClass, description);
                new Tables("Resource Class", "Description").row(created.resourceClass(), created.description())
                        .print(out);
                if (generateToken) {
                    out.println();
                    Token.printConfig(out, client.createToken(resourceClass, "default"), api, environment);
                }
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a namespace's classes.")
        static final class List extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE") String namespace;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                Tables table = new Tables("Resource Class", "Description");
                client.listResourceClasses(namespace).items().forEach(rc -> table.row(rc.resourceClass(),
                        rc.description()));
                table.print(out);
                return 0;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Deletes a resource class (refused while it has tokens, unless --force).")
        static final class Delete extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String resourceClass;
            @Option(names = {"-f", "--force"}, description = "Also delete its tokens.") boolean force;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                client.deleteResourceClass(find(client, resourceClass).id(), force);
                out.println("Resource class " + resourceClass + " deleted.");
                return 0;
            }
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Resource-class tokens.",
            subcommands = {Token.Create.class, Token.List.class, Token.Delete.class})
    static final class Token {
        /** The token inside a ready launch-agent config, as CircleCI's CLI prints it: it is shown only once. */
        static void printConfig(PrintWriter out, ManagementApi.TokenCreated token, ManagementOptions api,
                Map<String, String> environment) {
            String url = api.resolve(environment, ManagementOptions.CliConfig.defaultPath(environment),
                    ServerCommand.defaultDataDir(environment).resolve("admin-token")).host().toString();
            out.println("# launch-agent-config.yaml for " + token.resourceClass() + " (token \"" + token.nickname()
                    + "\", id " + token.id() + ").");
            out.println("# The token is shown only now; keep this file owned by root, mode 600.");
            out.println("api:");
            out.println("  auth_token: " + token.token());
            out.println("  url: " + url);
            out.println("runner:");
            out.println("  name: " + hostName());
            out.println("  working_directory: /var/opt/runway/workdir/%s");
            out.println("  cleanup_working_directory: true");
        }

        private static String hostName() {
            try {
                String name = java.net.InetAddress.getLocalHost().getHostName();
                return name.replaceAll("[^A-Za-z0-9.()_-]", "-");
            } catch (java.net.UnknownHostException e) {
                return "RUNNER_NAME";
            }
        }

        @Command(name = "create", mixinStandardHelpOptions = true,
                description = "Creates a token and prints a launch-agent config holding it.")
        static final class Create extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String resourceClass;
            @Parameters(index = "1", paramLabel = "NICKNAME") String nickname;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                printConfig(out, client.createToken(resourceClass, nickname), api, environment);
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a class's tokens.")
        static final class List extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String resourceClass;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                Tables table = new Tables("ID", "Nickname", "Created At");
                client.listTokens(resourceClass).items().forEach(t -> table.row(t.id(), t.nickname(),
                        t.createdAt()));
                table.print(out);
                return 0;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a token at once.")
        static final class Delete extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "TOKEN-ID") String id;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                client.deleteToken(id);
                out.println("Token " + id + " deleted.");
                return 0;
            }
        }
    }

    @Command(name = "instance", mixinStandardHelpOptions = true, description = "Runner instances.",
            subcommands = Instance.List.class)
    static final class Instance {
        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "Lists the runners of a namespace or of one resource class.")
        static final class List extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE|NAMESPACE/NAME") String scope;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                ManagementApi.RunnerList runners = scope.contains("/")
                        ? client.listRunnersOfResourceClass(scope) : client.listRunnersOfNamespace(scope);
                Tables table = new Tables("Resource Class", "Hostname", "Name", "First Connected",
                        "Last Connected", "Last Used", "IP", "Version");
                runners.items().forEach(r -> table.row(r.resourceClass(), r.hostname(), r.name(),
                        r.firstConnected(), r.lastConnected(), r.lastUsed(), r.ip(), r.version()));
                table.print(out);
                return 0;
            }
        }
    }

    @Command(name = "tasks", mixinStandardHelpOptions = true,
            description = "Unclaimed and running task counts of a resource class (what autoscalers poll).")
    static final class Tasks extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE/NAME") String resourceClass;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            new Tables("Resource Class", "Unclaimed", "Running")
                    .row(resourceClass, client.unclaimedTasks(resourceClass), client.runningTasks(resourceClass))
                    .print(out);
            return 0;
        }
    }
}
