package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job user, created with {@code useradd} ({@code --root DIR} for another root: useradd chroots there and edits
 * DIR/etc/passwd, group, shadow and gshadow itself, so locking and file formats stay useradd's business).
 */
public final class CreateLinuxUser implements Step {
    /** The comment (GECOS) that marks a user as created by runway install, so uninstall --purge removes only those. */
    public static final String COMMENT = "Runway job user";

    private final Accounts accounts;
    private final CommandRunner commands;
    private final List<String> command;
    private final String name;
    private final String shown;

    public CreateLinuxUser(Accounts accounts, CommandRunner commands, Path root, String name, int uid) {
        this(accounts, commands, name, "uid " + uid, useradd(root, "--uid", Integer.toString(uid), "--user-group",
                "--create-home", "--home-dir", "/home/" + name, "--shell", "/bin/bash", "--comment", COMMENT, name));
    }

    private CreateLinuxUser(Accounts accounts, CommandRunner commands, String name, String shown,
            List<String> command) {
        this.accounts = accounts;
        this.commands = commands;
        this.name = name;
        this.shown = shown;
        this.command = command;
    }

    /**
     * A system account for a service: a uid from the system range, its own group, no login shell, {@code home} as
     * its home directory (made by another step).
     */
    public static CreateLinuxUser serviceAccount(Accounts accounts, CommandRunner commands, Path root, String name,
            String home, String comment) {
        return new CreateLinuxUser(accounts, commands, name, "system account", useradd(root, "--system",
                "--user-group", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--comment",
                comment, name));
    }

    private static List<String> useradd(Path root, String... options) {
        List<String> argv = new ArrayList<>(List.of("useradd"));
        if (root.getParent() != null) {
            argv.addAll(List.of("--root", root.toString()));
        }
        argv.addAll(List.of(options));
        return List.copyOf(argv);
    }

    @Override
    public String describe() {
        return "user " + name + " (" + shown + "): " + Shell.quote(command);
    }

    @Override
    public boolean isDone() throws IOException {
        return accounts.find(name).isPresent();
    }

    @Override
    public void apply() throws IOException {
        commands.runChecked(command);
    }
}
