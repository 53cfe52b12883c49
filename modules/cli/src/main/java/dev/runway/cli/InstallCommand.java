package dev.runway.cli;

import dev.runway.cli.install.CommandRunner;
import dev.runway.cli.install.ConfigSource;
import dev.runway.cli.install.DrainTime;
import dev.runway.cli.install.InstallSettings;
import dev.runway.cli.install.LinuxInstallation;
import dev.runway.cli.install.MacosInstallation;
import dev.runway.cli.install.RuntimeImage;
import dev.runway.cli.install.Step;
import dev.runway.cli.install.StepRunner;
import dev.runway.config.ConfigException;
import dev.runway.config.ConfigLoader;
import dev.runway.config.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code runway install linux|macos}: the install guide's steps, idempotent, with a dry run. */
@Command(name = "install", mixinStandardHelpOptions = true, subcommands = InstallServerCommand.class,
        description = {"Installs a service: the launch agent (linux, macos) or the control plane (server).",
                "Creates the job user and the work directory, writes the configuration (root-only, 0600), installs "
                    + "the runtime image and the service file.",
                "Running it again changes only what differs. Each step prints 'done', 'unchanged' or, with "
                    + "--dry-run, 'would'."})
public final class InstallCommand implements Callable<Integer> {

    /** linux or macos. */
    public enum Platform { linux, macos }

    /** Options install and uninstall share: what is installed where. */
    public static final class Target {
        // optional for picocli, so that `install server` reaches its subcommand; required by validate()
        @Parameters(index = "0", arity = "0..1", paramLabel = "linux|macos",
                description = "The service manager to install for.")
        Platform platform;

        @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
                description = "Install into this root directory instead of the running system (default: ${DEFAULT-VALUE}).")
        Path root;

        @Option(names = "--prefix", paramLabel = "DIR",
                description = "Where the runtime image goes (default: /opt/runway; ~/.runway/image with --per-user).")
        String prefix;

        @Option(names = "--user", paramLabel = "NAME", defaultValue = "circleci",
                description = "The job user (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--slots", paramLabel = "N", defaultValue = "1",
                description = "With a --user holding %%d (circleci-%%d): how many job users, one per "
                        + "runner.max_concurrent_tasks slot (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--per-user", description = "macOS: a LaunchAgent for the current user instead of the system LaunchDaemon.")
        boolean perUser;

        @Option(names = "--dry-run", description = "Print every action; change nothing.")
        boolean dryRun;

        void validate(CommandSpec spec) {
            if (platform == null) {
                throw new ParameterException(spec.commandLine(), "Missing required parameter: 'linux|macos'");
            }
            if (!root.isAbsolute() || !Files.isDirectory(root)) {
                throw new ParameterException(spec.commandLine(), "--root " + root + ": must be an existing absolute directory");
            }
            root = root.normalize();
            if (perUser && platform != Platform.macos) {
                throw new ParameterException(spec.commandLine(), "--per-user is for macos only");
            }
            if (prefix == null) {
                prefix = platform == Platform.macos ? MacosInstallation.defaultPrefix(perUser, home())
                        : LinuxInstallation.DEFAULT_PREFIX;
            }
            if (!prefix.matches("/[A-Za-z0-9._/+-]*") || prefix.equals("/") || prefix.contains("/../")
                    || prefix.endsWith("/..")) {
                throw new ParameterException(spec.commandLine(), "--prefix " + prefix
                        + ": must be an absolute path below / of letters, digits and . _ - + / only (it goes into a unit file)");
            }
            prefix = Path.of(prefix).normalize().toString();
            if (slots < 1) {
                throw new ParameterException(spec.commandLine(), "--slots " + slots + ": must be at least 1");
            }
            boolean slotUser = user.indexOf("%d") == user.lastIndexOf("%d") && user.indexOf("%d") > 0;
            if (slotUser && platform != Platform.linux) {
                throw new ParameterException(spec.commandLine(), "--user " + user + ": one user per slot is for linux");
            }
            if (slotUser && !user.replace("%d", "99").matches("[a-z_][a-z0-9_-]{0,31}")) {
                throw new ParameterException(spec.commandLine(), "--user " + user
                        + ": one user per slot is a lowercase name and one %d, such as circleci-%d");
            } else if (!slotUser && !user.matches("[a-z_][a-z0-9_-]{0,31}")) {
                throw new ParameterException(spec.commandLine(), "--user " + user
                        + ": must be a lowercase user name (letters, digits, _ and -; at most 32 characters)");
            }
        }

        static String home() {
            return System.getProperty("user.home");
        }

        InstallSettings settings(ConfigSource config, String apiUrl, String runnerName, int uid, Path image,
                boolean start, DrainTime drainTime) {
            return new InstallSettings(root, prefix, config, apiUrl, runnerName, user, uid, image, start, perUser,
                    home(), drainTime, slots);
        }

        String heading(String command) {
            return "runway " + command + " " + platform + (perUser ? " (per-user)" : "")
                    + (root.getParent() == null ? "" : " into root " + root) + (dryRun ? " (dry run)" : "");
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Option(names = "--config-from", paramLabel = "FILE",
            description = "Install this launch-agent-config.yaml (copied byte for byte).")
    Path configFrom;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Generate the configuration from the resource-class token in FILE and defaults.")
    Path tokenFile;

    @Option(names = "--api-url", paramLabel = "URL", description = "With --token-file: the server's URL (api.url).")
    String apiUrl;

    @Option(names = "--name", paramLabel = "NAME", description = "With --token-file: runner.name (default: the host name).")
    String runnerName;

    @Option(names = "--uid", paramLabel = "N", defaultValue = "1500",
            description = "The job user's uid when it is created (default: ${DEFAULT-VALUE}, as CircleCI's guide).")
    int uid;

    @Option(names = "--image", paramLabel = "DIR",
            description = "The runtime image to install at the prefix (default: the image this command runs from).")
    Path image;

    @Option(names = "--start", description = "Enable and start the service (with --root: enable only).")
    boolean start;

    @Override
    public Integer call() {
        target.validate(spec);
        ConfigSource config = configSource();
        Path imageToInstall = imageToInstall();
        if (uid < 1) {
            throw new ParameterException(spec.commandLine(), "--uid " + uid + ": must be a positive number");
        }
        if (start && target.platform == Platform.macos && target.root.getParent() != null) {
            throw new ParameterException(spec.commandLine(),
                    "--start with --root: launchd cannot load a service of another root; it starts at that system's boot");
        }
        String name = runnerName != null ? runnerName : hostName();
        if (!name.matches("[A-Za-z0-9.()_-]+")) {
            throw new ParameterException(spec.commandLine(), "runner name '" + name
                    + "': only letters, digits and . ( ) - _ are allowed (use --name)");
        }
        InstallSettings draft = target.settings(config, apiUrl, name, uid, imageToInstall, start, DrainTime.DEFAULT);
        String configPath = target.platform == Platform.linux ? LinuxInstallation.CONFIG
                : MacosInstallation.layout(draft).config();
        Path existing = draft.under(configPath);
        if (config instanceof ConfigSource.KeepExisting && !Files.isRegularFile(existing)) {
            throw new ParameterException(spec.commandLine(), "there is no configuration at " + configPath
                    + " yet: pass --config-from FILE or --token-file FILE");
        }
        InstallSettings settings = target.settings(config, apiUrl, name, uid, imageToInstall, start,
                drainTime(config, existing));
        CommandRunner commands = new CommandRunner();
        List<Step> steps = target.platform == Platform.linux ? new LinuxInstallation(commands).install(settings)
                : new MacosInstallation(commands).install(settings);
        spec.commandLine().getOut().println(target.heading("install"));
        StepRunner runner = new StepRunner(spec.commandLine().getOut(), spec.commandLine().getErr(), target.dryRun);
        StepRunner.Outcome outcome = runner.run("install", steps);
        if (outcome.succeeded() && !target.dryRun && !start) {
            spec.commandLine().getOut().println(target.platform == Platform.linux
                    ? "Start it with: systemctl enable --now " + LinuxInstallation.UNIT_NAME + " (or run again with --start)"
                    : "Start it with: runway install macos" + (target.perUser ? " --per-user" : "") + " --start");
        }
        return outcome.succeeded() ? 0 : 1;
    }

    /**
     * The service's stop timeout follows the configuration's max_run_time and grace_period. A given or kept
     * configuration is validated here, before anything is installed; a generated one uses the defaults.
     */
    private DrainTime drainTime(ConfigSource config, Path existing) {
        Path file;
        String what;
        if (config instanceof ConfigSource.CopyOf copy) {
            file = copy.file();
            what = "--config-from " + copy.file();
        } else if (config instanceof ConfigSource.KeepExisting) {
            file = existing;
            what = "the existing configuration " + existing;
        } else {
            return DrainTime.DEFAULT;
        }
        try {
            Runner runner = ConfigLoader.load(file, Map.of()).config().runner();
            return new DrainTime(runner.maxRunTime(), runner.gracePeriod());
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), what + " is not a valid configuration:\n" + e.getMessage());
        }
    }

    private ConfigSource configSource() {
        if (configFrom != null && tokenFile != null) {
            throw new ParameterException(spec.commandLine(), "--config-from and --token-file exclude each other");
        }
        if (tokenFile == null && (apiUrl != null || runnerName != null)) {
            throw new ParameterException(spec.commandLine(), "--api-url and --name need --token-file"
                    + " (with --config-from the file says it)");
        }
        if (configFrom != null) {
            requireReadable("--config-from", configFrom);
            return new ConfigSource.CopyOf(configFrom.toAbsolutePath());
        }
        if (tokenFile != null) {
            requireReadable("--token-file", tokenFile);
            return new ConfigSource.FromToken(tokenFile.toAbsolutePath());
        }
        return new ConfigSource.KeepExisting();
    }

    private void requireReadable(String option, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no such readable file");
        }
    }

    private Path imageToInstall() {
        if (image == null) {
            return RuntimeImage.running().orElse(null);
        }
        if (!RuntimeImage.isImage(image)) {
            throw new ParameterException(spec.commandLine(), "--image " + image
                    + ": not a runway image (it needs bin/runway, bin/java and lib/modules)");
        }
        return image.toAbsolutePath().normalize();
    }

    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // not Linux: ask the resolver
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "runway";
        }
    }
}
