package dev.runway.cli.install;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The job user on macOS, through {@code dscl} (local directory node; for another root the node files under
 * ROOT/var/db/dslocal/nodes/Default, as macOS imaging tools do). Each {@code -create} sets one attribute and is
 * idempotent, so a run that failed half-way is completed by running it again.
 */
public final class CreateMacUser implements Step {
    /** The staff group every macOS user belongs to. */
    public static final int STAFF_GID = 20;

    private final Accounts accounts;
    private final CommandRunner commands;
    private final String name;
    private final int uid;
    private final List<List<String>> commandLines;

    public CreateMacUser(Accounts accounts, CommandRunner commands, List<String> dscl, String name, int uid) {
        this.accounts = accounts;
        this.commands = commands;
        this.name = name;
        this.uid = uid;
        String record = MacAccounts.recordPath(dscl, name);
        List<List<String>> lines = new ArrayList<>();
        lines.add(with(dscl, "-create", record));
        lines.add(with(dscl, "-create", record, "UniqueID", Integer.toString(uid)));
        lines.add(with(dscl, "-create", record, "PrimaryGroupID", Integer.toString(STAFF_GID)));
        lines.add(with(dscl, "-create", record, "UserShell", "/bin/bash"));
        lines.add(with(dscl, "-create", record, "RealName", CreateLinuxUser.COMMENT));
        lines.add(with(dscl, "-create", record, "NFSHomeDirectory", "/Users/" + name));
        lines.add(with(dscl, "-create", record, "IsHidden", "1"));
        this.commandLines = List.copyOf(lines);
    }

    static List<String> with(List<String> dscl, String... arguments) {
        List<String> command = new ArrayList<>(dscl);
        command.addAll(List.of(arguments));
        return command;
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder("user " + name + " (uid " + uid + ", group staff):");
        commandLines.forEach(c -> text.append(' ').append(Shell.quote(c)).append(';'));
        return text.substring(0, text.length() - 1);
    }

    @Override
    public boolean isDone() throws IOException {
        return accounts.find(name).isPresent();
    }

    @Override
    public void apply() throws IOException {
        for (List<String> command : commandLines) {
            commands.runChecked(command);
        }
    }
}
