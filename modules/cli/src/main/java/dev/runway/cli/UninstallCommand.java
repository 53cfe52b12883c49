package dev.runway.cli;

import dev.runway.cli.install.CommandRunner;
import dev.runway.cli.install.ConfigSource;
import dev.runway.cli.install.DrainTime;
import dev.runway.cli.install.InstallSettings;
import dev.runway.cli.install.LinuxInstallation;
import dev.runway.cli.install.MacosInstallation;
import dev.runway.cli.install.Step;
import dev.runway.cli.install.StepRunner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code runway uninstall linux|macos}: stops and removes the service and the image; --purge also config and user. */
@Command(name = "uninstall", mixinStandardHelpOptions = true, subcommands = UninstallServerCommand.class,
        description = {"Stops and removes a service: the launch agent (linux, macos) or the server.",
                "Stops (draining the running task) and disables the service, removes the unit or plist and the "
                    + "runtime image. The configuration, work directories and job user stay unless --purge is given."})
public final class UninstallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InstallCommand.Target target;

    @Option(names = "--purge", description = "Also remove the configuration, the work directories and the job user"
            + " (only a user that runway install created).")
    boolean purge;

    @Override
    public Integer call() {
        target.validate(spec);
        InstallSettings settings = target.settings(new ConfigSource.KeepExisting(), null, null, 0, null, false,
                DrainTime.DEFAULT);
        CommandRunner commands = new CommandRunner();
        List<Step> steps = target.platform == InstallCommand.Platform.linux
                ? new LinuxInstallation(commands).uninstall(settings, purge)
                : new MacosInstallation(commands).uninstall(settings, purge);
        spec.commandLine().getOut().println(target.heading("uninstall"));
        StepRunner runner = new StepRunner(spec.commandLine().getOut(), spec.commandLine().getErr(), target.dryRun);
        return runner.run("uninstall", steps).succeeded() ? 0 : 1;
    }
}
