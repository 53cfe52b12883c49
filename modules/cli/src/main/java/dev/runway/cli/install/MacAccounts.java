package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Accounts in the macOS local directory, read with {@code dscl -read}. */
public final class MacAccounts implements Accounts {
    private final CommandRunner commands;
    private final List<String> dscl;

    public MacAccounts(CommandRunner commands, List<String> dscl) {
        this.commands = commands;
        this.dscl = List.copyOf(dscl);
    }

    /** {@code dscl .} for the running system; {@code dscl -f NODE localonly} for a system under another root. */
    public static List<String> dsclFor(Path root) {
        if (root.getParent() == null) {
            return List.of("dscl", ".");
        }
        return List.of("dscl", "-f", root.resolve("var/db/dslocal/nodes/Default").toString(), "localonly");
    }

    static String recordPath(List<String> dscl, String name) {
        return (dscl.contains("localonly") ? "/Local/Target/Users/" : "/Users/") + name;
    }

    @Override
    public Optional<Account> find(String name) throws IOException {
        List<String> command = new ArrayList<>(dscl);
        command.addAll(List.of("-read", recordPath(dscl, name), "UniqueID", "PrimaryGroupID", "RealName",
                "NFSHomeDirectory"));
        CommandRunner.Result result = commands.run(command);
        if (result.exitCode() != 0) {
            return Optional.empty();
        }
        Map<String, String> values = parse(result.output());
        try {
            return Optional.of(new Account(name, Integer.parseInt(values.get("UniqueID")),
                    Integer.parseInt(values.get("PrimaryGroupID")), values.getOrDefault("RealName", ""),
                    values.getOrDefault("NFSHomeDirectory", "")));
        } catch (NumberFormatException e) {
            return Optional.empty(); // a record without ids is an unfinished creation: not an account yet
        }
    }

    /** "Key: value" lines; a value with spaces comes on the next line, indented. */
    static Map<String, String> parse(String output) {
        Map<String, String> values = new HashMap<>();
        String pending = null;
        for (String line : output.split("\n")) {
            if (pending != null && line.startsWith(" ")) {
                values.put(pending, line.strip());
                pending = null;
            } else if (line.endsWith(":")) {
                pending = line.substring(0, line.length() - 1);
            } else {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    values.put(line.substring(0, colon), line.substring(colon + 2).strip());
                }
                pending = null;
            }
        }
        return values;
    }
}
