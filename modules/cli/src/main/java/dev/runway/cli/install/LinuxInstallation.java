package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Linux (systemd) installation: its paths and the steps that install or remove it. */
public final class LinuxInstallation {
    public static final String DEFAULT_PREFIX = "/opt/runway";
    public static final String CONFIG_DIRECTORY = "/etc/opt/runway";
    public static final String CONFIG = CONFIG_DIRECTORY + "/launch-agent-config.yaml";
    public static final String ENVIRONMENT_FILE = CONFIG_DIRECTORY + "/environment";
    public static final String UNIT_NAME = "runway.service";
    public static final String UNIT = "/etc/systemd/system/" + UNIT_NAME;
    public static final String STATE_DIRECTORY = "/var/opt/runway";
    public static final String WORK_DIRECTORY = STATE_DIRECTORY + "/workdir";
    /** The launch agent's own state (running tasks, task-agent logs) when it runs as root. */
    public static final String AGENT_STATE_DIRECTORY = "/var/lib/runway";

    private final CommandRunner commands;

    public LinuxInstallation(CommandRunner commands) {
        this.commands = commands;
    }

    /** The unit as it is installed for this prefix and drain time. */
    public static String unit(String prefix, DrainTime drainTime) {
        Map<String, String> values = new HashMap<>(drainTime.templateValues());
        values.put("PREFIX", prefix);
        values.put("CONFIG", CONFIG);
        values.put("ENVIRONMENT_FILE", ENVIRONMENT_FILE);
        return Templates.render(Templates.SYSTEMD_UNIT, values);
    }

    public List<Step> install(InstallSettings s) {
        Accounts accounts = new PasswdAccounts(s.root(), commands);
        List<Step> steps = new ArrayList<>();
        List<String> users = s.users();
        for (int i = 0; i < users.size(); i++) {
            steps.add(new CreateLinuxUser(accounts, commands, s.root(), users.get(i), s.uid() + i));
        }
        steps.add(new EnsureDirectory(s.under(STATE_DIRECTORY), STATE_DIRECTORY, "rwxr-xr-x", Ownership.root()));
        // With one user per slot, the agent gives each task's directory to its slot's user (mode 0700 inside).
        steps.add(s.perSlotUsers()
                ? new EnsureDirectory(s.under(WORK_DIRECTORY), WORK_DIRECTORY, "rwxr-xr-x", Ownership.root())
                : new EnsureDirectory(s.under(WORK_DIRECTORY), WORK_DIRECTORY, "rwxr-x---",
                        Ownership.user(accounts, s.user(), null, s.user())));
        steps.add(new EnsureDirectory(s.under(CONFIG_DIRECTORY), CONFIG_DIRECTORY, "rwx------", Ownership.root()));
        steps.add(configStep(s));
        steps.add(imageStep(s));
        steps.add(new WriteFile(s.under(UNIT), UNIT, () -> unit(s.prefix(), s.drainTime()).getBytes(
                java.nio.charset.StandardCharsets.UTF_8), "rw-r--r--", Ownership.root(), "systemd unit"));
        if (s.start()) {
            steps.addAll(startSteps(s));
        }
        return steps;
    }

    private Step configStep(InstallSettings s) {
        Path target = s.under(CONFIG);
        WriteFile.Content content;
        if (s.config() instanceof ConfigSource.CopyOf copy) {
            content = () -> ConfigSource.read(copy.file());
        } else if (s.config() instanceof ConfigSource.FromToken token) {
            GeneratedConfig generated = new GeneratedConfig(token.tokenFile(), s.apiUrl(), s.runnerName(),
                    WORK_DIRECTORY + "/%s", s.user(), "-", s.slots());
            content = generated::render;
        } else {
            content = () -> existing(target, CONFIG);
        }
        return new WriteFile(target, CONFIG, content, "rw-------", Ownership.root(), ConfigSource.describe(s.config()));
    }

    static byte[] existing(Path target, String shown) throws IOException {
        if (!Files.isRegularFile(target)) {
            throw new IOException("there is no configuration at " + shown + " yet: pass --config-from FILE or --token-file FILE");
        }
        return Files.readAllBytes(target);
    }

    static Step imageStep(InstallSettings s) {
        return imageStep(s.under(s.prefix()), s.prefix(), s.image());
    }

    /** Installs {@code image} at the prefix, or, without one, requires that an image is there already. */
    static Step imageStep(Path prefix, String shownPrefix, Path image) {
        if (image != null) {
            return new InstallImage(image, prefix, shownPrefix, isRoot());
        }
        return new Step() {
            @Override
            public String describe() {
                return "a runway image at " + shownPrefix + " (not running from an image; pass --image DIR to install"
                        + " one)";
            }

            @Override
            public boolean isDone() {
                return RuntimeImage.isImage(prefix);
            }

            @Override
            public void apply() throws IOException {
                throw new IOException("no runway image at " + shownPrefix + " and none to install: pass --image DIR");
            }
        };
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private List<Step> startSteps(InstallSettings s) {
        return startSteps(commands, s.root(), s.hostRoot(), UNIT_NAME);
    }

    /**
     * Enables and starts {@code unitName} on this system (a daemon-reload first), or only enables it in another
     * root (its systemd starts it at that system's boot).
     */
    static List<Step> startSteps(CommandRunner commands, Path root, boolean hostRoot, String unitName) {
        if (!hostRoot) {
            List<String> systemctl = List.of("systemctl", "--root=" + root);
            return List.of(new RunCommand(commands, "enable the service in " + root, plus(systemctl, "enable",
                    unitName), RunCommand.printsLine(plus(systemctl, "is-enabled", unitName), "enabled")));
        }
        return List.of(
                new RunCommand(commands, "reload systemd's units", List.of("systemctl", "daemon-reload"),
                        RunCommand.printsLine(List.of("systemctl", "show", "--property=NeedDaemonReload", "--value",
                                unitName), "no")),
                new RunCommand(commands, "enable and start the service",
                        List.of("systemctl", "enable", "--now", unitName),
                        c -> RunCommand.printsLine(List.of("systemctl", "is-enabled", unitName), "enabled").isDone(c)
                                && RunCommand.printsLine(List.of("systemctl", "is-active", unitName), "active")
                                        .isDone(c)));
    }

    public List<Step> uninstall(InstallSettings s, boolean purge) {
        Accounts accounts = new PasswdAccounts(s.root(), commands);
        List<Step> steps = new ArrayList<>(removeServiceSteps(commands, s.root(), s.hostRoot(), UNIT_NAME,
                s.under(UNIT), UNIT));
        steps.add(new RemoveImage(s.under(s.prefix()), s.prefix()));
        if (purge) {
            steps.add(new RemoveTree(s.under(CONFIG_DIRECTORY), CONFIG_DIRECTORY, "configuration", RemoveTree.anything()));
            steps.add(new RemoveTree(s.under(STATE_DIRECTORY), STATE_DIRECTORY, "work directories", RemoveTree.anything()));
            steps.add(new RemoveTree(s.under(AGENT_STATE_DIRECTORY), AGENT_STATE_DIRECTORY, "agent state",
                    RemoveTree.anything()));
            for (String user : s.users()) {
                List<String> userdel = new ArrayList<>(List.of("userdel"));
                if (!s.hostRoot()) {
                    userdel.addAll(List.of("--root", s.root().toString()));
                }
                userdel.addAll(List.of("--remove", user));
                steps.add(new RemoveUser(accounts, commands, user, List.of(userdel)));
            }
        }
        return steps;
    }

    /**
     * Stops (draining it) and disables the systemd service {@code unitName}, removes its unit file and, on this
     * system, reloads systemd; into another root only disables it there.
     */
    static List<Step> removeServiceSteps(CommandRunner commands, Path root, boolean hostRoot, String unitName,
            Path unitFile, String shownUnit) {
        List<Step> steps = new ArrayList<>();
        if (hostRoot) {
            steps.add(new RunCommand(commands, "stop (drains the running task) and disable the service",
                    List.of("systemctl", "disable", "--now", unitName),
                    c -> !RunCommand.printsLine(List.of("systemctl", "is-enabled", unitName), "enabled").isDone(c)
                            && !RunCommand.printsLine(List.of("systemctl", "is-active", unitName), "active").isDone(c)
                            && !RunCommand.printsLine(List.of("systemctl", "is-active", unitName), "deactivating")
                                    .isDone(c)));
        } else {
            List<String> systemctl = List.of("systemctl", "--root=" + root);
            steps.add(new RunCommand(commands, "disable the service in " + root, plus(systemctl, "disable", unitName),
                    c -> !RunCommand.printsLine(plus(systemctl, "is-enabled", unitName), "enabled").isDone(c)));
        }
        steps.add(new RemoveTree(unitFile, shownUnit, "systemd unit", RemoveTree.anything()));
        if (hostRoot) {
            steps.add(new RunCommand(commands, "reload systemd's units", List.of("systemctl", "daemon-reload"),
                    RunCommand.printsLine(List.of("systemctl", "show", "--property=LoadState", "--value", unitName),
                            "not-found")));
        }
        return steps;
    }

    static List<String> plus(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
