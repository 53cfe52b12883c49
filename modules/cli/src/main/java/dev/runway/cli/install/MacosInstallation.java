package dev.runway.cli.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The macOS (launchd) installation, in two forms: the system LaunchDaemon of CircleCI's guide (runs at boot as root,
 * jobs as the job user) and the per-user LaunchAgent (runs in the user's login session, jobs as that user).
 * dscl and launchctl exist only on macOS: on other systems their steps fail with "cannot run dscl".
 */
public final class MacosInstallation {
    public static final String LABEL = "com.runway.runner";
    public static final String DEFAULT_PREFIX = "/opt/runway";
    public static final String DAEMON_PLIST = "/Library/LaunchDaemons/" + LABEL + ".plist";
    public static final String DAEMON_CONFIG_DIRECTORY = "/Library/Preferences/" + LABEL;
    public static final String DAEMON_LOG = "/Library/Logs/" + LABEL + ".log";
    public static final String STATE_DIRECTORY = "/var/opt/runway";
    public static final String WORK_DIRECTORY = STATE_DIRECTORY + "/workdir";
    static final String CONFIG_NAME = "launch-agent-config.yaml";

    /** Where the files of one form live. */
    public record Layout(String prefix, String configDirectory, String plist, String log, String workDirectory) {
        public String config() {
            return configDirectory + "/" + CONFIG_NAME;
        }
    }

    private final CommandRunner commands;

    public MacosInstallation(CommandRunner commands) {
        this.commands = commands;
    }

    public static String defaultPrefix(boolean perUser, String home) {
        return perUser ? home + "/.runway/image" : DEFAULT_PREFIX;
    }

    public static Layout layout(InstallSettings s) {
        if (s.perUser()) {
            String home = s.home();
            return new Layout(s.prefix(), home + "/Library/Preferences/" + LABEL, home + "/Library/LaunchAgents/"
                    + LABEL + ".plist", home + "/Library/Logs/" + LABEL + ".log", home + "/.runway/workdir");
        }
        return new Layout(s.prefix(), DAEMON_CONFIG_DIRECTORY, DAEMON_PLIST, DAEMON_LOG, WORK_DIRECTORY);
    }

    /** The plist as it is installed. */
    public static String plist(boolean perUser, Layout layout, DrainTime drainTime) {
        Map<String, String> values = new HashMap<>(drainTime.templateValues());
        values.put("PREFIX", layout.prefix());
        values.put("CONFIG", layout.config());
        return Templates.render(perUser ? Templates.LAUNCH_AGENT : Templates.LAUNCH_DAEMON, values);
    }

    public List<Step> install(InstallSettings s) {
        Layout layout = layout(s);
        List<Step> steps = new ArrayList<>();
        Ownership admin;
        Ownership jobUser;
        if (s.perUser()) {
            admin = homeOwner(s);
            jobUser = admin;
        } else {
            List<String> dscl = MacAccounts.dsclFor(s.root());
            Accounts accounts = new MacAccounts(commands, dscl);
            admin = Ownership.fixed(FileOwner.ROOT, "root:wheel");
            jobUser = Ownership.user(accounts, s.user(), CreateMacUser.STAFF_GID, "staff");
            steps.add(new CreateMacUser(accounts, commands, dscl, s.user(), s.uid()));
            steps.add(new EnsureDirectory(s.under("/Users/" + s.user()), "/Users/" + s.user(), "rwxr-x---", jobUser));
            steps.add(new EnsureDirectory(s.under(STATE_DIRECTORY), STATE_DIRECTORY, "rwxr-xr-x", admin));
        }
        steps.add(new EnsureDirectory(s.under(layout.workDirectory()), layout.workDirectory(), "rwxr-x---", jobUser));
        steps.add(new EnsureDirectory(s.under(layout.configDirectory()), layout.configDirectory(), "rwx------", admin));
        steps.add(configStep(s, layout, admin));
        steps.add(LinuxInstallation.imageStep(s));
        steps.add(new WriteFile(s.under(layout.plist()), layout.plist(),
                () -> plist(s.perUser(), layout, s.drainTime()).getBytes(StandardCharsets.UTF_8), "rw-r--r--", admin,
                s.perUser() ? "per-user LaunchAgent" : "system LaunchDaemon"));
        if (s.start()) {
            String domain = domain(s);
            steps.add(new RunCommand(commands, "load the service", List.of("launchctl", "bootstrap", domain,
                    layout.plist()), RunCommand.exitsZero(List.of("launchctl", "print", domain + "/" + LABEL))));
        }
        return steps;
    }

    private Step configStep(InstallSettings s, Layout layout, Ownership owner) {
        Path target = s.under(layout.config());
        WriteFile.Content content;
        if (s.config() instanceof ConfigSource.CopyOf copy) {
            content = () -> ConfigSource.read(copy.file());
        } else if (s.config() instanceof ConfigSource.FromToken token) {
            GeneratedConfig generated = new GeneratedConfig(token.tokenFile(), s.apiUrl(), s.runnerName(),
                    layout.workDirectory() + "/%s", s.perUser() ? null : s.user(), layout.log());
            content = generated::render;
        } else {
            content = () -> LinuxInstallation.existing(target, layout.config());
        }
        return new WriteFile(target, layout.config(), content, "rw-------", owner, ConfigSource.describe(s.config()));
    }

    /** Per-user files belong to the user whose home it is. */
    private static Ownership homeOwner(InstallSettings s) {
        return new Ownership() {
            @Override
            public Optional<FileOwner> resolve() throws IOException {
                return Optional.of(FileOwner.of(Path.of(s.home())));
            }

            @Override
            public String describe() {
                return "owner of " + s.home();
            }
        };
    }

    private String domain(InstallSettings s) {
        if (!s.perUser()) {
            return "system";
        }
        try {
            return "gui/" + FileOwner.of(Path.of(s.home())).uid();
        } catch (IOException e) {
            return "gui/$(id -u)";
        }
    }

    public List<Step> uninstall(InstallSettings s, boolean purge) {
        Layout layout = layout(s);
        List<Step> steps = new ArrayList<>();
        if (s.hostRoot()) {
            String target = domain(s) + "/" + LABEL;
            steps.add(new RunCommand(commands, "stop (drains the running task) and unload the service",
                    List.of("launchctl", "bootout", target),
                    c -> !RunCommand.exitsZero(List.of("launchctl", "print", target)).isDone(c)));
        }
        steps.add(new RemoveTree(s.under(layout.plist()), layout.plist(), "launchd plist", RemoveTree.anything()));
        steps.add(new RemoveImage(s.under(s.prefix()), s.prefix()));
        if (purge) {
            // The job user's home (/Users/NAME) is left in place: it may hold the user's own files.
            steps.add(new RemoveTree(s.under(layout.configDirectory()), layout.configDirectory(), "configuration",
                    RemoveTree.anything()));
            steps.add(new RemoveTree(s.under(layout.workDirectory()), layout.workDirectory(), "work directories",
                    RemoveTree.anything()));
            if (!s.perUser()) {
                List<String> dscl = MacAccounts.dsclFor(s.root());
                steps.add(new RemoveUser(new MacAccounts(commands, dscl), commands, s.user(),
                        List.of(CreateMacUser.with(dscl, "-delete", MacAccounts.recordPath(dscl, s.user())))));
            }
        }
        return steps;
    }
}
