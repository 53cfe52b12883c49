package dev.runway.cli.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Accounts in {@code ROOT/etc/passwd} (what {@code useradd --root ROOT} writes), or, for the host root, through
 * {@code getent passwd} so that users from NSS sources other than files count as existing too.
 */
public final class PasswdAccounts implements Accounts {
    private final Path root;
    private final CommandRunner commands;

    public PasswdAccounts(Path root, CommandRunner commands) {
        this.root = root;
        this.commands = commands;
    }

    @Override
    public Optional<Account> find(String name) throws IOException {
        if (root.getParent() == null) {
            CommandRunner.Result result = commands.run(List.of("getent", "passwd", name));
            return result.exitCode() == 0 ? parse(result.output().strip(), name) : Optional.empty();
        }
        Path passwd = root.resolve("etc/passwd");
        if (!Files.exists(passwd)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
            Optional<Account> account = parse(line, name);
            if (account.isPresent()) {
                return account;
            }
        }
        return Optional.empty();
    }

    /** name:password:uid:gid:comment:home:shell */
    static Optional<Account> parse(String line, String name) throws IOException {
        String[] fields = line.split(":", -1);
        if (fields.length < 7 || !fields[0].equals(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Account(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]),
                    fields[4], fields[5]));
        } catch (NumberFormatException e) {
            throw new IOException("passwd entry of " + name + " has a non-numeric uid or gid: " + line);
        }
    }
}
