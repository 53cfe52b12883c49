package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.TriggersApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runway project webhook-secret PROJECT [--file F]}: sets or replaces the secret webhooks of the project are
 * signed with. A secret read from a file is never printed; a generated one is printed once, here.
 */
@Command(name = "webhook-secret", mixinStandardHelpOptions = true,
        description = "Sets the project's webhook secret (from --file, or generated and shown once) and prints the"
                + " webhook paths of GitHub, GitLab and Gitea/Forgejo.")
final class ProjectWebhookSecret extends ManagementCommand {
    @Parameters(index = "0", paramLabel = "PROJECT", description = "the project's slug or id")
    String project;
    @Option(names = "--file", paramLabel = "F", description = "read the secret from this file (one line)")
    Path file;

    @Override
    int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
        print(out, api.pipelines(environment).setWebhookSecret(project, read(file, "--file")),
                api.target(environment).host().toString());
        return 0;
    }

    /** The secret in {@code file} without its line end, or null when no file is given. */
    static String read(Path file, String option) {
        if (file == null) {
            return null;
        }
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(option + " " + file + ": the file is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot read it (" + e.getClass()
                    .getSimpleName() + ")", e);
        }
    }

    /** Whether the secret was generated (then the secret itself, once) and each provider's webhook URL. */
    static void print(PrintWriter out, TriggersApi.WebhookSecretAnswer answer, String server) {
        if (answer.secret() != null) {
            out.println("Webhook secret (shown this once; the server keeps it to check signatures): "
                    + answer.secret());
        } else {
            out.println("Webhook secret set from the file.");
        }
        answer.webhookPaths().forEach((provider, path) -> out.println("  " + provider + " webhook URL: "
                + server.replaceAll("/+$", "") + path));
    }
}
