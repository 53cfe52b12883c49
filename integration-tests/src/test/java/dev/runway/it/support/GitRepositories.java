package dev.runway.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** git as the tests run it: a fixed author, {@code main} as the first branch, no signing, whatever the user set. */
public final class GitRepositories {
    private GitRepositories() {}

    /** Runs git in {@code dir}; a non-zero exit fails the test with git's output. */
    public static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }

    /** Makes {@code dir} (its files already written) a repository with one commit of them all on main. */
    public static Path commitAll(Path dir, String message) throws Exception {
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", message);
        return dir;
    }
}
