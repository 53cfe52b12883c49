package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway workflow approve|cancel|rerun}. */
@Command(name = "workflow", mixinStandardHelpOptions = true, description = "A pipeline's workflows.",
        subcommands = {WorkflowCommand.Approve.class, WorkflowCommand.Cancel.class, WorkflowCommand.Rerun.class})
public final class WorkflowCommand {

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approves an approval job on hold (its id: runway pipeline show, APPROVAL ID).")
    static final class Approve extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "WORKFLOW-ID", description = "The workflow's id.")
        String workflowId;
        @Parameters(index = "1", paramLabel = "APPROVAL-ID", description = "The approval job's id.")
        String approvalId;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).approve(workflowId, approvalId);
            out.println("Approved.");
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels a workflow: jobs not started end canceled, running ones are stopped.")
    static final class Cancel extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "WORKFLOW-ID", description = "The workflow's id.")
        String workflowId;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).cancelWorkflow(workflowId);
            out.println("Cancel requested.");
            return 0;
        }
    }

    @Command(name = "rerun", mixinStandardHelpOptions = true,
            description = "Reruns an ended workflow from the start, or from its failed jobs.")
    static final class Rerun extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "WORKFLOW-ID", description = "The workflow's id.")
        String workflowId;
        @Option(names = "--from-failed", description = "only the jobs that did not succeed, and what requires them")
        boolean fromFailed;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            out.println("Workflow " + api.pipelines(environment).rerun(workflowId, fromFailed) + " started.");
            return 0;
        }
    }
}
