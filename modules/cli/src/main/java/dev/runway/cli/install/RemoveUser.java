package dev.runway.cli.install;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Removes an account, but only one that runway install created (its comment says so). */
public final class RemoveUser implements Step {
    private final Accounts accounts;
    private final CommandRunner commands;
    private final String name;
    private final List<List<String>> commandLines;
    private final String comment;

    /** The job user {@code name}, made by {@code runway install linux|macos}. */
    public RemoveUser(Accounts accounts, CommandRunner commands, String name, List<List<String>> commandLines) {
        this(accounts, commands, name, commandLines, CreateLinuxUser.COMMENT);
    }

    /** The account {@code name} when its comment is {@code comment} (what the installing command wrote). */
    public RemoveUser(Accounts accounts, CommandRunner commands, String name, List<List<String>> commandLines,
            String comment) {
        this.accounts = accounts;
        this.commands = commands;
        this.name = name;
        this.commandLines = List.copyOf(commandLines);
        this.comment = comment;
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder("remove user " + name + " if runway install created it:");
        commandLines.forEach(c -> text.append(' ').append(Shell.quote(c)).append(';'));
        return text.substring(0, text.length() - 1);
    }

    @Override
    public boolean isDone() throws IOException {
        Optional<Account> account = accounts.find(name);
        return account.isEmpty() || !comment.equals(account.get().comment());
    }

    @Override
    public void apply() throws IOException {
        for (List<String> command : commandLines) {
            commands.runChecked(command);
        }
    }
}
