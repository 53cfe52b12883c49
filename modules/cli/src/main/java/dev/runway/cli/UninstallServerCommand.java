package dev.runway.cli;

import dev.runway.cli.install.CommandRunner;
import dev.runway.cli.install.LinuxInstallation;
import dev.runway.cli.install.ServerInstallation;
import dev.runway.cli.install.StepRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code runway uninstall server}: the counterpart of {@code runway install server}; the data stays by default. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Stops and removes the Runway server service installed by runway install server.",
                "Stops and disables " + ServerInstallation.UNIT_NAME + ", removes the unit and the runtime image (the "
                    + "image stays while the launch agent's service runs it). The data directory ("
                    + ServerInstallation.DATA_DIRECTORY + "), the configuration and the service account stay unless "
                    + "--purge is given."})
public final class UninstallServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Uninstall from this root directory instead of the running system (default: "
                    + "${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--prefix", paramLabel = "DIR", defaultValue = LinuxInstallation.DEFAULT_PREFIX,
            description = "Where the runtime image is (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "runway",
            description = "The service account, removed with --purge when runway install server created it "
                    + "(default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--purge", description = "Also remove the data directory (the embedded database, the admin token),"
            + " the configuration and the service account.")
    boolean purge;

    @Option(names = "--dry-run", description = "Print every action; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (!root.isAbsolute() || !Files.isDirectory(root)) {
            throw new ParameterException(spec.commandLine(), "--root " + root + ": must be an existing absolute "
                    + "directory");
        }
        if (!prefix.startsWith("/") || prefix.equals("/")) {
            throw new ParameterException(spec.commandLine(), "--prefix " + prefix + ": must be an absolute path below /");
        }
        ServerInstallation.Settings settings = new ServerInstallation.Settings(root.normalize(),
                Path.of(prefix).normalize().toString(), user, null, null, null, null, false);
        spec.commandLine().getOut().println("runway uninstall server" + (settings.root().getParent() == null ? ""
                : " from root " + settings.root()) + (dryRun ? " (dry run)" : ""));
        if (ServerInstallation.launchAgentUses(settings)) {
            spec.commandLine().getOut().println("The runtime image at " + settings.prefix() + " stays: the launch "
                    + "agent's service runs it (runway uninstall linux removes it).");
        }
        StepRunner runner = new StepRunner(spec.commandLine().getOut(), spec.commandLine().getErr(), dryRun);
        boolean succeeded = runner.run("uninstall", new ServerInstallation(new CommandRunner()).uninstall(settings,
                purge)).succeeded();
        if (succeeded && !purge && !dryRun) {
            spec.commandLine().getOut().println("The data directory " + ServerInstallation.DATA_DIRECTORY + " stays;"
                    + " remove it with runway uninstall server --purge.");
        }
        return succeeded ? 0 : 1;
    }
}
