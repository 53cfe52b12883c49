package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.ManagementApi;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code runway namespace create <name> <vcs-type> <org-name>}, as the install guide uses CircleCI's CLI, and list,
 * get, rename, delete.
 */
@Command(name = "namespace", mixinStandardHelpOptions = true,
        description = "Manages namespaces (one per organization).",
        subcommands = {NamespaceCommand.Create.class, NamespaceCommand.List.class, NamespaceCommand.Get.class,
            NamespaceCommand.Rename.class, NamespaceCommand.Delete.class})
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
            ManagementApi.NamespaceCreated created = client.createNamespace(name, vcsType + "/" + orgName);
            out.println("Namespace " + name + " created for " + vcsType + "/" + orgName + " (organization id "
                    + created.data().attributes().orgId() + ").");
            return 0;
        }
    }

    private static void print(PrintWriter out, Iterable<ManagementApi.NamespaceData> namespaces) {
        Tables table = new Tables("Name", "Organization ID", "Organization", "ID");
        namespaces.forEach(ns -> table.row(ns.attributes().name(), ns.attributes().orgId(),
                ns.attributes().orgSlug(), ns.id()));
        table.print(out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the namespaces with their organization ids (what org-id filters take).")
    static final class List extends ManagementCommand {
        @Mixin
        OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            java.util.List<ManagementApi.NamespaceData> namespaces = client.listNamespaces().data();
            output.print(out, namespaces, namespaces.stream().map(ns -> ns.attributes().name()).toList(),
                    table -> print(table, namespaces));
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows one namespace.")
    static final class Get extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The namespace's name.") String name;

        @Mixin
        OutputFormat output;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            ManagementApi.NamespaceData namespace = client.namespace(name);
            output.print(out, namespace, java.util.List.of(namespace.attributes().name()),
                    table -> print(table, java.util.List.of(namespace)));
            return 0;
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true,
            description = "Renames a namespace; its resource classes follow, their tokens keep working.")
    static final class Rename extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The namespace's name.") String name;
        @Parameters(index = "1", paramLabel = "NEW-NAME", description = "Its new name.") String newName;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            client.renameNamespace(client.namespace(name).id(), newName);
            out.println("Namespace " + name + " renamed to " + newName + ".");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a namespace that has no resource classes left.")
    static final class Delete extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The namespace's name.") String name;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            client.deleteNamespace(client.namespace(name).id());
            out.println("Namespace " + name + " deleted.");
            return 0;
        }
    }
}
