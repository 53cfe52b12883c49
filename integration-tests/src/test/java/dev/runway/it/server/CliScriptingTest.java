package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a script uses it, through the built image's {@code bin/runway}: the exit status table
 * (docs/operation.md), job numbers wherever a job is named, -o json|yaml and -q, standard input, errors that name
 * the file and position, follow while no runner is online and Ctrl-C, help pages and completion scripts.
 */
class CliScriptingTest {
    @TempDir
    Path home;
    ImageServer fixture;
    LaunchAgentProcess agent;

    @BeforeEach
    void start() throws Exception {
        fixture = ImageServer.start(home, "60s");
        fixture.ok("namespace", "create", "acme", "github", "acme-inc");
        fixture.ok("runner", "resource-class", "create", "acme/linux", "Linux boxes");
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.kill();
        }
        fixture.close();
    }

    private Path jobFile(String name, String... steps) throws IOException {
        StringBuilder yaml = new StringBuilder("resource_class: acme/linux\nname: " + name + "\nsteps:\n");
        for (String step : steps) {
            yaml.append("  - run: ").append(step).append('\n');
        }
        return Files.writeString(home.resolve(name + ".yml"), yaml);
    }

    private static JsonNode json(String text) throws IOException {
        return Json.mapper().readTree(text);
    }

    @Test
    void exitStatusesFollowTheTableAndAFailedJobsLogsAgreeWithFollow() throws Exception {
        assertThat(fixture.runway("job", "list").exit()).isZero();
        assertThat(fixture.runway("job", "list", "--no-such-option").exit()).as("usage").isEqualTo(2);
        assertThat(fixture.runway("job", "list", "--host", "http://127.0.0.1:1").exit()).as("no server")
                .isEqualTo(3);
        ImageServer.Run refused = fixture.runway("job", "list", "--token", "f".repeat(64));
        assertThat(refused.exit()).as(refused.out()).isEqualTo(4);
        ImageServer.Run missing = fixture.runway("job", "status", "999");
        assertThat(missing.exit()).as(missing.out()).isEqualTo(5);
        assertThat(missing.out()).contains("no job 999");

        // a real launch agent runs a job that fails
        String token = ImageServer.tokenIn(fixture.ok("runner", "token", "create", "acme/linux", "box-1").out());
        agent = LaunchAgentProcess.start(List.of(), home.resolve("agent"), "box-1", fixture.uri().toString(), token,
                "", Map.of());
        ImageServer.Run followed = fixture.runway("job", "submit", jobFile("broken", "echo about to fail",
                "exit 3").toString(), "--follow");
        assertThat(followed.exit()).as(followed.out()).isEqualTo(1);
        assertThat(followed.out()).contains("Job #1 broken: failed");

        ImageServer.Run logs = fixture.runway("job", "logs", "1");
        assertThat(logs.exit()).as(logs.out()).isEqualTo(1);
        assertThat(logs.out()).contains("    about to fail");
        assertThat(fixture.runway("job", "logs", "-f", "1").exit()).isEqualTo(1);
        // the agent's log names the job as the CLI does, and how it ended
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(agent.logText())
                .contains("job #1 broken ended failed"));

        ImageServer.Run ok = fixture.runway("job", "submit", "-q", "--follow",
                jobFile("fine", "echo fine").toString());
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out().strip()).as("-q prints only the number").isEqualTo("2");
        assertThat(fixture.runway("job", "logs", "2").exit()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(agent.logText())
                .contains("job #2 fine ended success"));
    }

    @Test
    void everyListAndStatusSpeaksJsonYamlAndIds() throws Exception {
        String token = ImageServer.tokenIn(fixture.ok("runner", "token", "create", "acme/linux", "box-1").out());
        fixture.runner(token).claim(ImageServer.claim("box-1", 0)); // into the inventory, nothing to claim

        // submit from standard input prints the number with -q; status, logs and cancel take it
        Process submit = fixture.builder("job", "submit", "-q", "-").start();
        submit.getOutputStream().write("resource_class: acme/linux\nname: piped\nsteps: [{run: echo hi}]\n"
                .getBytes(StandardCharsets.UTF_8));
        submit.getOutputStream().close();
        String number = new String(submit.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(submit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(submit.exitValue()).isZero();
        assertThat(number).isEqualTo("1");

        JsonNode status = json(fixture.ok("job", "status", number, "-o", "json").out());
        assertThat(status.get("build_num").asLong()).isEqualTo(1);
        assertThat(status.get("name").asText()).isEqualTo("piped");
        assertThat(status.get("state").asText()).isEqualTo("queued");
        assertThat(status.get("resource_class").asText()).isEqualTo("acme/linux");
        assertThat(status.get("steps").get(0).get("status").asText()).isEqualTo("pending");
        String id = status.get("id").asText();
        assertThat(json(fixture.ok("job", "status", id, "-o", "json").out()).get("build_num").asLong())
                .as("the id still works").isEqualTo(1);
        JsonNode yaml = new YAMLMapper().readTree(fixture.ok("job", "status", number, "-o", "yaml").out());
        assertThat(yaml).isEqualTo(status);

        JsonNode jobs = json(fixture.ok("job", "list", "-o", "json").out());
        assertThat(jobs.isArray()).isTrue();
        assertThat(jobs.get(0).get("id").asText()).isEqualTo(id);
        assertThat(fixture.ok("job", "list", "-q").out()).isEqualTo("1\n");

        JsonNode classes = json(fixture.ok("runner", "resource-class", "list", "acme", "-o", "json").out());
        assertThat(classes.get(0).get("resource_class").asText()).isEqualTo("acme/linux");
        assertThat(classes.get(0).get("description").asText()).isEqualTo("Linux boxes");
        assertThat(fixture.ok("runner", "resource-class", "list", "acme", "-q").out()).isEqualTo("acme/linux\n");

        JsonNode tokens = json(fixture.ok("runner", "token", "list", "acme/linux", "-o", "json").out());
        assertThat(tokens.get(0).get("nickname").asText()).isEqualTo("box-1");
        assertThat(tokens.toString()).doesNotContain(token);
        assertThat(fixture.ok("runner", "token", "list", "acme/linux", "-q").out().strip())
                .isEqualTo(tokens.get(0).get("id").asText());

        JsonNode runners = json(fixture.ok("runner", "instance", "list", "acme", "-o", "json").out());
        assertThat(runners.get(0).get("name").asText()).isEqualTo("box-1");
        assertThat(runners.get(0).get("hostname").asText()).isEqualTo("box-1.example");

        JsonNode tasks = json(fixture.ok("runner", "tasks", "acme/linux", "-o", "json").out());
        assertThat(tasks.get("resource_class").asText()).isEqualTo("acme/linux");
        assertThat(tasks.get("unclaimed").asLong()).isEqualTo(1);
        assertThat(tasks.get("running").asLong()).isZero();

        assertThat(fixture.runway("job", "list", "-o", "xml").exit()).isEqualTo(2);
        assertThat(fixture.ok("job", "cancel", number).out()).contains("Job #1 canceled.");
    }

    @Test
    void badJobFilesAreNamedWithTheirPosition() throws Exception {
        ImageServer.Run missing = fixture.runway("job", "submit", home.resolve("nope.yml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.out()).contains("nope.yml: no such file").doesNotContain("YAML");

        Path bad = Files.writeString(home.resolve("bad.yml"), "resource_class: acme/linux\nsteps:\n  - run: [a\n"
                + "name: x\n");
        ImageServer.Run invalid = fixture.runway("job", "submit", bad.toString());
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.out()).containsPattern("bad\\.yml:\\d+:\\d+: is not valid YAML or JSON");

        assertThat(fixture.ok("server", "--help").out()).contains("/var/lib/runway/server");
    }

    @Test
    void followSaysWhatItWaitsForAndCtrlCDetachesOrCancels() throws Exception {
        Path job = jobFile("waiting", "echo never runs");
        Process detached = fixture.builder("job", "submit", job.toString(), "--follow").start();
        Output out = Output.of(detached.getInputStream());
        Output err = Output.of(detached.getErrorStream());
        await().atMost(Duration.ofSeconds(60)).until(() -> out.text()
                .contains("waiting for a runner of acme/linux (0 online, 0 queued before you)"));
        interrupt(detached);
        assertThat(detached.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(detached.exitValue()).isEqualTo(130);
        await().atMost(Duration.ofSeconds(10)).until(() -> err.text().contains("Detached: job #1 goes on"));
        assertThat(err.text()).contains("runway job cancel 1");
        assertThat(json(fixture.ok("job", "status", "1", "-o", "json").out()).get("state").asText())
                .isEqualTo("queued");

        Process canceling = fixture.builder("job", "submit", job.toString(), "--follow", "--cancel-on-interrupt")
                .start();
        Output second = Output.of(canceling.getInputStream());
        Output.of(canceling.getErrorStream());
        await().atMost(Duration.ofSeconds(60)).until(() -> second.text()
                .contains("waiting for a runner of acme/linux (0 online, 1 queued before you)"));
        interrupt(canceling);
        assertThat(canceling.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(canceling.exitValue()).isEqualTo(130);
        assertThat(json(fixture.ok("job", "status", "2", "-o", "json").out()).get("state").asText())
                .isEqualTo("canceled");
    }

    @Test
    void helpPagesAndCompletionScripts() throws Exception {
        String help = fixture.ok("--help").out();
        assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(fixture.ok("help", "job", "submit").out()).contains("Usage: runway job submit")
                .contains("--cancel-on-interrupt");

        Path bash = Files.writeString(home.resolve("runway.bash"), fixture.ok("completion", "bash").out());
        Process complete = new ProcessBuilder("bash", "-c", "source " + bash + " && COMP_LINE='runway job s'"
                + " && COMP_POINT=${#COMP_LINE} && COMP_WORDS=(runway job s) && COMP_CWORD=2 && _complete_runway"
                + " && printf '%s\\n' \"${COMPREPLY[@]}\"")
                .redirectErrorStream(true).start();
        String words = new String(complete.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(complete.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(words.lines()).contains("submit", "status");

        assertThat(fixture.ok("completion", "zsh").out()).contains("bashcompinit");
        String fish = fixture.ok("completion", "fish").out();
        assertThat(fish).contains("complete -c runway -n 'test (__runway_path) = \\'job\\'' -a 'submit'")
                .contains("-l follow");
        assertThat(fixture.runway("completion", "tcsh").exit()).isEqualTo(2);

        // the man pages, built with the image, one per command
        Path man = dev.runway.it.support.RunwayImage.runway().getParent().resolveSibling("man/man1");
        assertThat(man.resolve("runway-job-submit.1")).exists();
        ProcessBuilder render = new ProcessBuilder("man", "-l", man.resolve("runway-job-submit.1").toString())
                .redirectErrorStream(true);
        render.environment().putAll(Map.of("LC_ALL", "C", "MANPAGER", "cat", "MANWIDTH", "100"));
        Process rendering = render.start();
        String page = new String(rendering.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll(".\b", ""); // overstrike bold
        assertThat(rendering.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(page).contains("runway-job-submit - Submits a job").contains("--cancel-on-interrupt");
    }

    /** SIGINT, as Ctrl-C sends it to the foreground process (bin/runway execs the JVM: the pid is the JVM's). */
    private static void interrupt(Process process) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor()).isZero();
    }

    /** A stream read by a thread of its own, so that a test can look at what came so far. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        static Output of(InputStream in) {
            Output output = new Output();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        synchronized (output) {
                            output.bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "runway-output");
            reader.setDaemon(true);
            reader.start();
            return output;
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
