package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code runway gc}: one sweep of the server's blob store now (the server also sweeps every hour): cache entries
 * unused for 15 days, workspace layers older than 15 days and artifacts past their project's retention go, then the
 * blobs nothing refers to and abandoned uploads.
 */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Removes expired caches, workspaces, artifacts and unused blobs now.")
final class GcCommand extends ManagementCommand {
    @Mixin
    OutputFormat output;

    @Override
    int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
        JsonNode swept = api.pipelines(environment).sweepBlobs();
        output.print(out, swept, List.of(swept.path("blobs").asText("0")), printer -> printer.println(String.format(
                Locale.ROOT, "Removed %d cache entries, %d workspace layers, %d artifacts; %d blobs (%.1f MiB) and"
                        + " %d unfinished uploads.", swept.path("caches").asInt(), swept.path("workspace_layers")
                        .asInt(), swept.path("artifacts").asInt(), swept.path("blobs").asInt(),
                swept.path("blob_bytes").asLong() / 1048576.0, swept.path("uploads").asInt())));
        return 0;
    }
}
