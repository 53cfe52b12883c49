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

    private static Process start(Path dir, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", CheckoutScript.TEXT).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void run(Path dir, Map<String, String> environment, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }
}
