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
    private final int uid;

    public CreateLinuxUser(Accounts accounts, CommandRunner commands, Path root, String name, int uid) {
        this.accounts = accounts;
        this.commands = commands;
        this.name = name;
        this.uid = uid;
        List<String> argv = new ArrayList<>(List.of("useradd"));
        if (root.getParent() != null) {
            argv.addAll(List.of("--root", root.toString()));
        }
        argv.addAll(List.of("--uid", Integer.toString(uid), "--user-group", "--create-home", "--home-dir",
                "/home/" + name, "--shell", "/bin/bash", "--comment", COMMENT, name));
        this.command = List.copyOf(argv);
    }

    @Override
    public String describe() {
        return "user " + name + " (uid " + uid + "): " + Shell.quote(command);
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
