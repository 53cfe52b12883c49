package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.ManagementApi;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runway token create|list|revoke}: scoped API tokens for people and tools that should not hold the admin
 * token, e.g. an autoscaler that only reads the queue depth ({@code --scope read}).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Scoped API tokens: read (reads only) or admin, of one namespace or all.",
        subcommands = {TokenCommand.Create.class, TokenCommand.List.class, TokenCommand.Revoke.class})
public final class TokenCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates an API token and prints it (shown only now; the server keeps its hash).",
                    "read: queue depth, lists, job status and output; every change is refused (403).",
                    "admin: what the admin token may do. --namespace limits either to one namespace."})
    static final class Create extends ManagementCommand {
        @Option(names = "--scope", required = true, paramLabel = "read|admin", description = "read or admin")
        String scope;
        @Option(names = "--namespace", paramLabel = "NS", description = "only this namespace (default: all)")
        String namespace;
        @Option(names = "--nickname", paramLabel = "NAME", defaultValue = "api token",
                description = "what the token is for (default: ${DEFAULT-VALUE})")
        String nickname;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            if (!ManagementApi.SCOPE_READ.equals(scope) && !ManagementApi.SCOPE_ADMIN.equals(scope)) {
                throw new IllegalArgumentException("--scope: \"" + scope + "\" is not read or admin");
            }
            ManagementApi.ApiTokenCreated token = client.createApiToken(nickname, scope, namespace);
            out.println("# API token \"" + token.nickname() + "\" (id " + token.id() + "), scope " + token.scope()
                    + (token.namespace() == null ? ", all namespaces" : ", namespace " + token.namespace())
                    + ". It is shown only now.");
            out.println(token.token());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the API tokens (no secrets).")
    static final class List extends ManagementCommand {
        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            Tables table = new Tables("ID", "Nickname", "Scope", "Namespace", "Created At");
            client.listApiTokens().items().forEach(t -> table.row(t.id(), t.nickname(), t.scope(),
                    t.namespace() == null ? "(all)" : t.namespace(), t.createdAt()));
            table.print(out);
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes an API token at once.")
    static final class Revoke extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "TOKEN-ID", description = "The API token's id (runway token list).")
        String id;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            client.revokeApiToken(id);
            out.println("API token " + id + " revoked.");
            return 0;
        }
    }
}
