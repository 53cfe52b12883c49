package dev.runway.cli;

import dev.runway.cli.install.CommandRunner;
import dev.runway.cli.install.LinuxInstallation;
import dev.runway.cli.install.RuntimeImage;
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

/** {@code runway install server}: the control plane as a hardened systemd service, idempotent, with a dry run. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Installs the Runway server (the control plane) as a systemd service on this host.",
                "Creates a system account that owns the data directory (" + ServerInstallation.DATA_DIRECTORY
                    + ", mode 0700), writes the root-only configuration, installs the runtime image and the unit "
                    + ServerInstallation.UNIT_NAME + " (hardened: read-only system, no privileges).",
                "Running it again changes only what differs. Each step prints 'done', 'unchanged' or, with "
                    + "--dry-run, 'would'."})
public final class InstallServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Install into this root directory instead of the running system (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--prefix", paramLabel = "DIR", defaultValue = LinuxInstallation.DEFAULT_PREFIX,
            description = "Where the runtime image goes (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "runway",
            description = "The system account the server runs as (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7733",
            description = "The address the server serves on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--database", paramLabel = "URL",
            description = "The server's database (RUNWAY_DATABASE_URL), e.g. postgresql://db.example:5432/runway; "
                    + "without a password in it. Default: the embedded store in the data directory.")
    String database;

    @Option(names = "--database-password-file", paramLabel = "FILE",
            description = "A file whose first line is the database password: copied root-only and handed to the "
                    + "service as a systemd credential, never in the unit or its command line.")
    Path databasePasswordFile;

    @Option(names = "--image", paramLabel = "DIR",
            description = "The runtime image to install at the prefix (default: the image this command runs from).")
    Path image;

    @Option(names = "--start", description = "Enable and start the service (with --root: enable only).")
    boolean start;

    @Option(names = "--dry-run", description = "Print every action; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        ServerInstallation.Settings settings = settings();
        CommandRunner commands = new CommandRunner();
        spec.commandLine().getOut().println("runway install server" + (root.getParent() == null ? ""
                : " into root " + root) + (dryRun ? " (dry run)" : ""));
        StepRunner runner = new StepRunner(spec.commandLine().getOut(), spec.commandLine().getErr(), dryRun);
        StepRunner.Outcome outcome = runner.run("install", new ServerInstallation(commands).install(settings));
        if (outcome.succeeded() && !dryRun) {
            if (!start) {
                spec.commandLine().getOut().println("Start it with: systemctl enable --now "
                        + ServerInstallation.UNIT_NAME + " (or run again with --start)");
            }
            spec.commandLine().getOut().println("Its admin token will be in " + ServerInstallation.DATA_DIRECTORY
                    + "/admin-token (readable by root and " + user + ")");
        }
        return outcome.succeeded() ? 0 : 1;
    }

    private ServerInstallation.Settings settings() {
        if (!root.isAbsolute() || !Files.isDirectory(root)) {
            throw invalid("--root " + root + ": must be an existing absolute directory");
        }
        if (!prefix.matches("/[A-Za-z0-9._/+-]*") || prefix.equals("/") || prefix.contains("/../")
                || prefix.endsWith("/..")) {
            throw invalid("--prefix " + prefix + ": must be an absolute path below / of letters, digits and . _ - + /"
                    + " only (it goes into a unit file)");
        }
        if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw invalid("--user " + user + ": must be a lowercase user name (letters, digits, _ and -; at most 32 "
                    + "characters)");
        }
        try {
            ServerCommand.HostPort.parse("--listen", listen);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (database != null) {
            // it goes into a KEY="value" line of the environment file; a password belongs in its own file
            if (!database.matches("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'\\\\$`]+")) {
                throw invalid("--database " + database.replaceAll("://[^@/]*@", "://***@") + ": must be a URL such as "
                        + "postgresql://db.example:5432/runway, without spaces, quotes, \\, $ or `");
            }
            if (database.matches("[^:]+://[^/@]*:[^/@]*@.*") || database.toLowerCase(java.util.Locale.ROOT)
                    .contains("password=")) {
                throw invalid("--database: the URL holds a password; give it with --database-password-file FILE");
            }
        }
        if (databasePasswordFile != null && (!Files.isRegularFile(databasePasswordFile)
                || !Files.isReadable(databasePasswordFile))) {
            throw invalid("--database-password-file " + databasePasswordFile + ": no such readable file");
        }
        if (databasePasswordFile != null && database == null) {
            throw invalid("--database-password-file needs --database URL");
        }
        Path imageToInstall = image == null ? RuntimeImage.running().orElse(null) : image.toAbsolutePath().normalize();
        if (image != null && !RuntimeImage.isImage(imageToInstall)) {
            throw invalid("--image " + image + ": not a runway image (it needs bin/runway, bin/java and lib/modules)");
        }
        return new ServerInstallation.Settings(root.normalize(), Path.of(prefix).normalize().toString(), user,
                listen, database, databasePasswordFile == null ? null : databasePasswordFile.toAbsolutePath(),
                imageToInstall, start);
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
