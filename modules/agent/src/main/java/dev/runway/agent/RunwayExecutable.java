package dev.runway.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the {@code runway} launcher that task agents are started with: the same installation as the running launch
 * agent. In the jlink image the running process is {@code <image>/bin/java} (that is what
 * {@code ProcessHandle.current().info().command()} reports) and the launcher script sits beside it as
 * {@code <image>/bin/runway}. An explicit path (the {@code runway.executable} system property or the
 * {@code RUNWAY_EXECUTABLE} environment variable) wins: tests and unusual installs use it.
 */
public final class RunwayExecutable {
    public static final String PROPERTY = "runway.executable";
    public static final String ENVIRONMENT = "RUNWAY_EXECUTABLE";

    private RunwayExecutable() {}

    /** The launcher of this installation, from the real process and environment. */
    public static Path locate() {
        return locate(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT),
                ProcessHandle.current().info().command());
    }

    /**
     * @param property value of the system property (may be null)
     * @param environment value of the environment variable (may be null)
     * @param javaCommand the running process's executable, when the OS tells
     * @throws IllegalStateException saying what was looked for and how to set it
     */
    public static Path locate(String property, String environment, Optional<String> javaCommand) {
        if (property != null && !property.isBlank()) {
            return explicit(property, "-D" + PROPERTY);
        }
        if (environment != null && !environment.isBlank()) {
            return explicit(environment, ENVIRONMENT);
        }
        if (javaCommand.isEmpty()) {
            throw new IllegalStateException("cannot tell which program is running, so cannot find bin/runway; set "
                    + ENVIRONMENT + " to the runway launcher's path");
        }
        Path java = Path.of(javaCommand.get()).toAbsolutePath();
        Path runway = java.resolveSibling("runway");
        if (Files.isExecutable(runway) && !Files.isDirectory(runway)) {
            return runway;
        }
        throw new IllegalStateException("no runway launcher beside " + java + " (looked for " + runway
                + "); run from the runway image or set " + ENVIRONMENT + " to the runway launcher's path");
    }

    private static Path explicit(String value, String source) {
        Path path = Path.of(value).toAbsolutePath();
        if (!Files.isExecutable(path) || Files.isDirectory(path)) {
            throw new IllegalStateException("runway executable " + path + " (from " + source
                    + ") is not an executable file");
        }
        return path;
    }
}
