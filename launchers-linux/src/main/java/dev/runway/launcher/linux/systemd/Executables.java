package dev.runway.launcher.linux.systemd;

import dev.runway.launcher.LaunchException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** systemd wants ExecStart's binary as an absolute path; this finds a bare command name on PATH as a shell would. */
final class Executables {
    private Executables() {}

    static String absolute(String command, Map<String, String> environment) throws LaunchException {
        if (command.startsWith("/")) {
            return command;
        }
        if (command.contains("/")) {
            return Path.of(command).toAbsolutePath().normalize().toString();
        }
        String path = environment.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        throw new LaunchException("command '" + command + "' is not on PATH (" + path + ")");
    }
}
