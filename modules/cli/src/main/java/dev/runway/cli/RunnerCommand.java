package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.Names;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway runner ...}: resource classes, their tokens, the runner inventory and task counts. */
@Command(name = "runner", mixinStandardHelpOptions = true,
        description = "Manages resource classes, their tokens, runner instances and task counts.",
        subcommands = {RunnerCommand.ResourceClass.class, RunnerCommand.Token.class, RunnerCommand.Instance.class,
                RunnerCommand.Tasks.class})
public final class RunnerCommand {

    /** The id of the resource class {@code ns/name}. */
    static ManagementApi.ResourceClass find(ManagementClient client, String resourceClass)
            throws ApiException, InterruptedException {
        Names.ResourceClassName name = Names.resourceClass("RESOURCE-CLASS", resourceClass);
        return client.listResourceClasses(name.namespace()).items().stream()
                .filter(rc -> rc.resourceClass().equals(resourceClass)).findFirst()
                .orElseThrow(() -> new java.util.NoSuchElementException("resource class " + resourceClass
                        + " does not exist"));
    }

    @Command(name = "resource-class", mixinStandardHelpOptions = true,
            description = "Creates, lists and deletes resource classes.",
            subcommands = {ResourceClass.Create.class, ResourceClass.List.class, ResourceClass.Delete.class})
    static final class ResourceClass {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a resource class.")
        static final class Create extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME",
                    description = "The new resource class, in an existing namespace.") String resourceClass;
            @Parameters(index = "1", paramLabel = "DESCRIPTION", defaultValue = "",
                    description = "What its runners are, e.g. \"Linux, 8 cores\" (default: none).") String description;
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

        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "Lists the resource classes of a namespace.")
        static final class List extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace.") String namespace;
            @Mixin OutputFormat output;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                java.util.List<ManagementApi.ResourceClass> classes = client.listResourceClasses(namespace).items();
                output.print(out, classes, classes.stream().map(ManagementApi.ResourceClass::resourceClass)
                        .toList(), text -> {
                            Tables table = new Tables("Resource Class", "Description");
                            classes.forEach(rc -> table.row(rc.resourceClass(), rc.description()));
                            table.print(text);
                        });
                return 0;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Deletes a resource class (refused while it has tokens, unless --force).")
        static final class Delete extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The resource class.")
            String resourceClass;
            @Option(names = {"-f", "--force"}, description = "Also delete its tokens.") boolean force;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                client.deleteResourceClass(find(client, resourceClass).id(), force);
                out.println("Resource class " + resourceClass + " deleted.");
                return 0;
            }
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Creates, lists and deletes the tokens launch agents claim work with.",
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
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The resource class.")
            String resourceClass;
            @Parameters(index = "1", paramLabel = "NICKNAME", description = "A name for the token, e.g. the machine's.")
            String nickname;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                printConfig(out, client.createToken(resourceClass, nickname), api, environment);
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "Lists the tokens of a resource class (never the secrets).")
        static final class List extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The resource class.")
            String resourceClass;
            @Mixin OutputFormat output;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                java.util.List<ManagementApi.Token> tokens = client.listTokens(resourceClass).items();
                output.print(out, tokens, tokens.stream().map(ManagementApi.Token::id).toList(), text -> {
                    Tables table = new Tables("ID", "Nickname", "Created At");
                    tokens.forEach(t -> table.row(t.id(), t.nickname(), t.createdAt()));
                    table.print(text);
                });
                return 0;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a token at once.")
        static final class Delete extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "TOKEN-ID",
                    description = "The token's id (runway runner token list).") String id;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                client.deleteToken(id);
                out.println("Token " + id + " deleted.");
                return 0;
            }
        }
    }

    @Command(name = "instance", mixinStandardHelpOptions = true,
            description = "Lists the runners that connected to the server.",
            subcommands = Instance.List.class)
    static final class Instance {
        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "Lists the runners of a namespace or of one resource class.")
        static final class List extends ManagementCommand {
            @Parameters(index = "0", paramLabel = "NAMESPACE|NAMESPACE/NAME",
                    description = "A namespace, or one resource class of it.") String scope;
            @Mixin OutputFormat output;

            @Override
            int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
                java.util.List<ManagementApi.Runner> runners = (scope.contains("/")
                        ? client.listRunnersOfResourceClass(scope) : client.listRunnersOfNamespace(scope)).items();
                output.print(out, runners, runners.stream().map(ManagementApi.Runner::name).toList(), text -> {
                    Tables table = new Tables("Resource Class", "Hostname", "Name", "First Connected",
                            "Last Connected", "Last Used", "IP", "Version");
                    runners.forEach(r -> table.row(r.resourceClass(), r.hostname(), r.name(),
                            r.firstConnected(), r.lastConnected(), r.lastUsed(), r.ip(), r.version()));
                    table.print(text);
                });
                return 0;
            }
        }
    }

    @Command(name = "tasks", mixinStandardHelpOptions = true,
            description = "Shows the unclaimed and running task counts of a resource class (what autoscalers poll).")
    static final class Tasks extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The resource class.")
        String resourceClass;
        @Mixin OutputFormat output;

        /** The JSON and YAML shape of {@code runway runner tasks}. */
        record TaskCounts(String resourceClass, long unclaimed, long running) {}

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            TaskCounts counts = new TaskCounts(resourceClass, client.unclaimedTasks(resourceClass),
                    client.runningTasks(resourceClass));
            output.print(out, counts, java.util.List.of(resourceClass), text -> new Tables("Resource Class",
                    "Unclaimed", "Running").row(resourceClass, counts.unclaimed(), counts.running()).print(text));
            return 0;
        }
    }
}
