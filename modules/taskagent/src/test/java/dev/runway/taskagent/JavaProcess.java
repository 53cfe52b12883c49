package dev.runway.taskagent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: starts a main class of the test class path in a JVM of its own. */
final class JavaProcess {
    private JavaProcess() {}

    static ProcessBuilder builder(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    static Process start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        return builder(jvmOptions, main, args).start();
    }
}
