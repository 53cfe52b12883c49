package dev.runway.it.install;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a real child process (a script, the image's runway) with a given environment and captures its output. */
final class Command {
    static final Path REPO = Path.of(System.getProperty("runway.repo", "..")).toAbsolutePath().normalize();
    static final Path IMAGE = Path.of(System.getProperty("runway.image", "")).toAbsolutePath();
    static final Path RELEASE = Path.of(System.getProperty("runway.release", "")).toAbsolutePath();
    static final String VERSION = System.getProperty("runway.version", "0.1.0-SNAPSHOT");

    record Result(int exit, String out, String err, long pid) {
        String all() {
            return out + err;
        }
    }

    private final List<String> argv;
    private final Map<String, String> environment = new HashMap<>(System.getenv());
    private Path directory;

    Command(String... argv) {
        this.argv = new ArrayList<>(List.of(argv));
    }

    Command env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Command unset(String name) {
        environment.remove(name);
        return this;
    }

    Command in(Path directory) {
        this.directory = directory;
        return this;
    }

    Result run() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(argv + " did not finish within 120 s");
        }
        return new Result(process.exitValue(), out.join(), err.join(), process.pid());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
