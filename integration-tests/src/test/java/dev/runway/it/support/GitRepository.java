package dev.runway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A git repository made with the git CLI on the branch {@code main}, holding a {@code .circleci/config.yml}: what a
 * project of the server points at (its path is the repository URL) in tests and benchmarks of pipelines.
 */
public final class GitRepository {
    private final Path directory;

    private GitRepository(Path directory) {
        this.directory = directory;
    }

    /** {@code git init} in {@code directory} and a first commit of {@code config} as .circleci/config.yml. */
    public static GitRepository withConfig(Path directory, String config) throws IOException, InterruptedException {
        Files.createDirectories(directory.resolve(".circleci"));
        GitRepository repository = new GitRepository(directory);
        repository.git("init", "-q");
        repository.commitConfig(config, "pipeline config");
        return repository;
    }

    /** Commits {@code config} as .circleci/config.yml and answers the new revision. */
    public String commitConfig(String config, String message) throws IOException, InterruptedException {
        Files.writeString(directory.resolve(".circleci/config.yml"), config);
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return git("rev-parse", "HEAD").strip();
    }

    public Path directory() {
        return directory;
    }

    /** Runs git in the repository (no user config or signing of this machine involved); answers its output. */
    public String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=runway-tests", "-c",
                "user.email=tests@runway.invalid", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("git " + String.join(" ", args) + " in " + directory + " failed:\n" + output);
        }
        return output;
    }
}
