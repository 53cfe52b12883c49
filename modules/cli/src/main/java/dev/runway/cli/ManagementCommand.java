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
 * A command that talks to the server's management API with the admin token. API errors become one line on stderr
 * and exit status 1; bad input, exit status 2.
 */
abstract class ManagementCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ManagementOptions api;
    /** Where RUNWAY_HOST, CIRCLE_TOKEN and the XDG directories come from (tests replace it). */
    Map<String, String> environment = System.getenv();

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            int exit = run(api.client(environment), out);
            out.flush();
            return exit;
        } catch (IllegalArgumentException e) {
            out.flush();
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return Runway.EXIT_INVALID;
        } catch (ApiException e) {
            out.flush();
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Does the work; answers the exit status. */
    abstract int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException;
}
