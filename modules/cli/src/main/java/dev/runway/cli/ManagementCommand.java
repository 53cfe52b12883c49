package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the server's management API with the admin token. What it throws becomes one line on
 * stderr and the exit status of {@link ExitCodes}.
 */
abstract class ManagementCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ManagementOptions api;
    /** Where RUNWAY_HOST, CIRCLE_TOKEN and the XDG directories come from (tests replace it). */
    Map<String, String> environment = System.getenv();

    @Override
    public final Integer call() throws ApiException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return run(api.client(environment), out);
        } finally {
            out.flush();
        }
    }

    /** Does the work; answers the exit status. */
    abstract int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException;
}
