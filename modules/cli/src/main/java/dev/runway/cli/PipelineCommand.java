package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.protocol.PipelinesApi;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runway pipeline trigger|show}: start a project's pipeline, see its workflows and jobs. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, description = "A project's pipelines.",
        subcommands = {PipelineCommand.Trigger.class, PipelineCommand.Show.class})
public final class PipelineCommand {

    /** {@code --param k=v}: the pipeline parameters, as text (the config's declaration gives the type). */
    static Map<String, Object> parameters(List<String> values) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (values != null) {
            for (String value : values) {
                int equals = value.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("--param: \"" + value + "\" is not NAME=VALUE");
                }
                parameters.put(value.substring(0, equals), value.substring(equals + 1));
            }
        }
        return parameters;
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true,
            description = "Triggers a pipeline of the project at the tip of a branch (default: the project's"
                    + " default branch) or a tag.")
    static final class Trigger extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "the project's slug, e.g. gh/my-org/app")
        String project;

        static final class Ref {
            @Option(names = "--branch", paramLabel = "B", description = "The branch whose tip to build.")
            String branch;
            @Option(names = "--tag", paramLabel = "T", description = "The tag to build.")
            String tag;
        }

        @ArgGroup(exclusive = true)
        Ref ref = new Ref();

        @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a pipeline parameter (repeatable)")
        List<String> params;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesApi.PipelineCreated created = api.pipelines(environment).trigger(project, ref.branch, ref.tag,
                    parameters(params));
            out.println("Pipeline #" + created.number() + " of " + project + " " + created.state() + " (id "
                    + created.id() + ")");
            return created.state().equals("errored") ? 1 : 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows a pipeline (by id): its state, errors, workflows and their jobs.")
    static final class Show extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PIPELINE-ID", description = "The pipeline's id.")
        String pipelineId;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            PipelinesClient pipelines = api.pipelines(environment);
            JsonNode pipeline = pipelines.pipeline(pipelineId);
            out.println("Pipeline #" + pipeline.path("number").asLong() + " of " + pipeline.path("project_slug")
                    .asText() + ": " + pipeline.path("state").asText() + " (" + pipeline.path("vcs").path("revision")
                    .asText() + ")");
            pipeline.path("errors").forEach(error -> out.println("  error: " + error.path("message").asText()));
            Tables table = new Tables("WORKFLOW", "WORKFLOW ID", "JOB", "STATUS", "NUMBER", "APPROVAL ID");
            for (JsonNode workflow : pipelines.workflows(pipelineId).path("items")) {
                table.row(workflow.path("name").asText(), workflow.path("id").asText(), "",
                        workflow.path("status").asText(), "", "");
                for (JsonNode job : pipelines.workflowJobs(workflow.path("id").asText()).path("items")) {
                    table.row("", "", job.path("name").asText(), job.path("status").asText(),
                            job.hasNonNull("job_number") ? job.path("job_number").asText() : null,
                            job.hasNonNull("approval_request_id") ? job.path("approval_request_id").asText() : null);
                }
            }
            table.print(out);
            return 0;
        }
    }
}
