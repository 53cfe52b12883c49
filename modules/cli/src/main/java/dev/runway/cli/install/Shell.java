package dev.runway.cli.install;

import java.util.List;
import java.util.stream.Collectors;

/** Shows a command line the way a user would type it. */
final class Shell {
    private Shell() {}

    static String quote(List<String> command) {
        return command.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
