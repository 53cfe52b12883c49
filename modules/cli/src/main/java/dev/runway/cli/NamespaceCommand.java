package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runway namespace create <name> <vcs-type> <org-name>}, as the install guide uses CircleCI's CLI. */
@Command(name = "namespace", mixinStandardHelpOptions = true,
        description = "Manages namespaces (one per organization).",
        subcommands = NamespaceCommand.Create.class)
public final class NamespaceCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates the organization's namespace; resource classes live in it.")
    static final class Create extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Its name: lowercase letters, digits, _ and -.")
        String name;
        @Parameters(index = "1", paramLabel = "VCS-TYPE", description = "The VCS: github, bitbucket, circleci, ...")
        String vcsType;
        @Parameters(index = "2", paramLabel = "ORG-NAME", description = "The organization.")
        String orgName;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            client.createNamespace(name, vcsType + "/" + orgName);
            out.println("Namespace " + name + " created for " + vcsType + "/" + orgName + ".");
            return 0;
        }
    }
}
