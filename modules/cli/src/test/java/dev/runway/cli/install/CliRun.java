package dev.runway.cli.install;

import dev.runway.cli.Runway;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One `runway ARGS` run in this JVM: its exit code, standard output and standard error. */
record CliRun(int exit, String out, String err) {
    static CliRun runway(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Runway.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    String all() {
        return out + err;
    }
}
