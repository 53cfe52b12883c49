package dev.runway.cli.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code runway install server}: the control plane as a systemd service on a plain host. A system account owns the
 * data directory (0700); root owns the unit, the image and the configuration (the listen address, the database URL;
 * the database password in a file of its own that systemd hands to the service as a credential, so the service
 * account never reads it from /etc).
 */
public final class ServerInstallation {
    public static final String UNIT_NAME = "runway-server.service";
    public static final String UNIT = "/etc/systemd/system/" + UNIT_NAME;
    public static final String TEMPLATE = "runway-server.service";
    public static final String DATA_DIRECTORY = "/var/lib/runway-server";
    public static final String CONFIG_DIRECTORY = "/etc/opt/runway/server";
    public static final String ENVIRONMENT_FILE = CONFIG_DIRECTORY + "/server.env";
    public static final String PASSWORD_FILE = CONFIG_DIRECTORY + "/database-password";
    /** The credential's name: the service reads it from $CREDENTIALS_DIRECTORY (%d in the unit). */
    static final String PASSWORD_CREDENTIAL = "database-password";
    /** Marks the account as made by this command. */
    public static final String ACCOUNT_COMMENT = "Runway server";

    /**
     * What to install: into {@code root} ("/" for this system), the image at {@code prefix}, the service account
     * {@code user}, the server's {@code listen} address, optionally a database URL and a file holding its password.
     */
    public record Settings(Path root, String prefix, String user, String listen, String databaseUrl,
            Path databasePasswordFile, Path image, boolean start) {
        boolean hostRoot() {
            return root.getParent() == null;
        }

        Path under(String absolutePath) {
            return InstallSettings.under(root, absolutePath);
        }
    }

    private final CommandRunner commands;

    public ServerInstallation(CommandRunner commands) {
        this.commands = commands;
    }

    /** The unit for this prefix and account; with a password file, systemd hands it over as a credential. */
    public static String unit(String prefix, String user, boolean password) {
        return Templates.render(TEMPLATE, Map.of("PREFIX", prefix, "USER", user, "DATA", DATA_DIRECTORY,
                "ENVIRONMENT_FILE", ENVIRONMENT_FILE,
                "CREDENTIAL", password ? "LoadCredential=" + PASSWORD_CREDENTIAL + ":" + PASSWORD_FILE + "\n" : "",
                "PASSWORD_OPTION", password ? " --database-password-file %d/" + PASSWORD_CREDENTIAL : ""));
    }

    /** The environment file: KEY="value" lines systemd reads (as root) before it starts the service. */
    static String environment(Settings s) {
        StringBuilder text = new StringBuilder("# Written by runway install server; read by " + UNIT_NAME + ".\n");
        text.append("RUNWAY_SERVER_OPTS=\"--listen ").append(s.listen()).append("\"\n");
        if (s.databaseUrl() != null) {
            text.append("RUNWAY_DATABASE_URL=\"").append(s.databaseUrl()).append("\"\n");
        }
        return text.toString();
    }

    public List<Step> install(Settings s) {
        Accounts accounts = new PasswdAccounts(s.root(), commands);
        List<Step> steps = new ArrayList<>();
        steps.add(CreateLinuxUser.serviceAccount(accounts, commands, s.root(), s.user(), DATA_DIRECTORY,
                ACCOUNT_COMMENT));
        steps.add(new EnsureDirectory(s.under(DATA_DIRECTORY), DATA_DIRECTORY, "rwx------",
                Ownership.user(accounts, s.user(), null, s.user())));
        steps.add(new EnsureDirectory(s.under(CONFIG_DIRECTORY), CONFIG_DIRECTORY, "rwx------", Ownership.root()));
        steps.add(new WriteFile(s.under(ENVIRONMENT_FILE), ENVIRONMENT_FILE,
                () -> environment(s).getBytes(StandardCharsets.UTF_8), "rw-------", Ownership.root(),
                "listen address and database URL"));
        if (s.databasePasswordFile() != null) {
            steps.add(new WriteFile(s.under(PASSWORD_FILE), PASSWORD_FILE, () -> password(s.databasePasswordFile()),
                    "rw-------", Ownership.root(), "the database password from " + s.databasePasswordFile()));
        }
        steps.add(LinuxInstallation.imageStep(s.under(s.prefix()), s.prefix(), s.image()));
        steps.add(new WriteFile(s.under(UNIT), UNIT, () -> unit(s.prefix(), s.user(), s.databasePasswordFile() != null)
                .getBytes(StandardCharsets.UTF_8), "rw-r--r--", Ownership.root(), "systemd unit"));
        if (s.start()) {
            steps.addAll(LinuxInstallation.startSteps(commands, s.root(), s.hostRoot(), UNIT_NAME));
        }
        return steps;
    }

    /**
     * {@code runway uninstall server}: stops and disables the service and removes its unit, then the runtime image
     * unless the launch agent's unit still runs from the same prefix. The data directory (the embedded database, the
     * admin token), the configuration and the account stay unless {@code purge}.
     */
    public List<Step> uninstall(Settings s, boolean purge) {
        List<Step> steps = new ArrayList<>(LinuxInstallation.removeServiceSteps(commands, s.root(), s.hostRoot(),
                UNIT_NAME, s.under(UNIT), UNIT));
        if (!launchAgentUses(s)) {
            steps.add(new RemoveImage(s.under(s.prefix()), s.prefix()));
        }
        if (purge) {
            steps.add(new RemoveTree(s.under(DATA_DIRECTORY), DATA_DIRECTORY, "data directory",
                    RemoveTree.anything()));
            steps.add(new RemoveTree(s.under(CONFIG_DIRECTORY), CONFIG_DIRECTORY, "configuration",
                    RemoveTree.anything()));
            List<String> userdel = new ArrayList<>(List.of("userdel"));
            if (!s.hostRoot()) {
                userdel.addAll(List.of("--root", s.root().toString()));
            }
            userdel.add(s.user()); // its home is the data directory, removed above
            steps.add(new RemoveUser(new PasswdAccounts(s.root(), commands), commands, s.user(), List.of(userdel),
                    ACCOUNT_COMMENT));
        }
        return steps;
    }

    /** Whether the launch agent's unit runs the image at the server's prefix: then the image stays. */
    public static boolean launchAgentUses(Settings s) {
        Path agentUnit = s.under(LinuxInstallation.UNIT);
        try {
            return Files.isRegularFile(agentUnit)
                    && Files.readString(agentUnit, StandardCharsets.UTF_8).contains(s.prefix() + "/bin/runway");
        } catch (IOException e) {
            return true; // unreadable: keep the image rather than break a service
        }
    }

    /** The password file's first line (an editor's final newline is not part of the password). */
    private static byte[] password(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String first = newline < 0 ? text : text.substring(0, newline);
        if (first.isEmpty()) {
            throw new IOException("--database-password-file " + file + ": the first line is empty");
        }
        return first.getBytes(StandardCharsets.UTF_8);
    }
}
