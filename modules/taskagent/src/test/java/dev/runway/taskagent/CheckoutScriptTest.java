package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checkout script run by bash with git, as a task agent runs it, fed what a job (or, with pipelines, a webhook)
 * could put in its checkout fields: nothing may reach git as an option. Before the script checked its inputs, a
 * revision of {@code --upload-pack=CMD;git-upload-pack} ran CMD.
 */
class CheckoutScriptTest {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "revision as an option | --upload-pack=touch PWNED;git-upload-pack | main | ORIGIN",
        "branch as an option   |                                          | --upload-pack=touch PWNED | ORIGIN",
        "repository as option  |                                          | main | --upload-pack=touch PWNED;x",
    })
    void checkoutFieldsNeverReachGitAsOptions(String attack, String revision, String branch, String repository)
            throws Exception {
        Path origin = Files.createDirectories(temp.resolve("origin.git"));
        run(temp, Map.of(), "git", "init", "-q", "--bare", origin.toString());
        Path work = Files.createDirectories(temp.resolve("work"));
        Path pwned = work.resolve("PWNED");

        Process script = start(work, Map.of(
                "RUNWAY_CHECKOUT_REPOSITORY", repository.equals("ORIGIN") ? origin.toString() : repository,
                "RUNWAY_CHECKOUT_REVISION", revision == null ? "" : revision,
                "RUNWAY_CHECKOUT_BRANCH", branch));
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(pwned).as(attack + " ran the command").doesNotExist();
        assertThat(temp.resolve("PWNED")).doesNotExist();
        assertThat(script.exitValue()).as(output).isEqualTo(2);
        assertThat(output).startsWith("checkout: ");
    }

    /**
     * A shallow checkout whose remote will not give one commit by its id (protocol v0 without
     * {@code uploadpack.allow*SHA1InWant}, and the commit is no branch's tip) falls back to fetching every branch.
     */
    @org.junit.jupiter.api.Test
    void aShallowFetchTheRemoteRefusesFallsBackToEveryBranch() throws Exception {
        Path origin = Files.createDirectories(temp.resolve("origin"));
        Map<String, String> author = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.com",
                "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.com");
        run(origin, author, "git", "init", "-q", "-b", "main");
        run(origin, author, "git", "commit", "-q", "--allow-empty", "-m", "first");
        String first = output(origin, "git", "rev-parse", "HEAD");
        run(origin, author, "git", "commit", "-q", "--allow-empty", "-m", "second");
        Path work = Files.createDirectories(temp.resolve("work"));

        Process script = start(work, Map.of("RUNWAY_CHECKOUT_REPOSITORY", "file://" + origin,
                "RUNWAY_CHECKOUT_REVISION", first, "RUNWAY_CHECKOUT_BRANCH", "main", "RUNWAY_CHECKOUT_SHALLOW", "1",
                "GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "protocol.version", "GIT_CONFIG_VALUE_0", "0"));
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(output).isZero();
        assertThat(output).contains("HEAD is now at " + first.substring(0, 7));
        assertThat(output(work, "git", "rev-parse", "HEAD")).isEqualTo(first);
        assertThat(output(work, "git", "rev-parse", "--is-shallow-repository")).isEqualTo("false");
        assertThat(output(work, "git", "rev-parse", "origin/main")).isNotEqualTo(first);
    }

    private static String output(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return text;
    }

    private static Process start(Path dir, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", CheckoutScript.TEXT).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void run(Path dir, Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }
}
