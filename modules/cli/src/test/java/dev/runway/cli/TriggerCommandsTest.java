package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Webhook secrets, contexts, project variables and project SSH keys through the CLI, in process, against a real
 * server.
 */
class TriggerCommandsTest {
    @TempDir
    Path dir;
    RunwayServer server;
    final Map<String, String> environment = new HashMap<>();

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        server = RunwayServer.start(new ServerSettings(dir.resolve("data"), "127.0.0.1", 0));
        environment.putAll(Map.of("RUNWAY_HOST", server.uri().toString(), "CIRCLE_TOKEN", server.adminToken(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString(), "XDG_DATA_HOME", dir.resolve("share").toString()));
        assertThat(runway("", "namespace", "create", "acme", "github", "acme").exit()).isZero();
        Path repo = Files.createDirectories(dir.resolve("repo"));
        git(repo, "init", "-q");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        assertThat(new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start().waitFor()).isZero();
    }

    /** Runs {@code runway args} with {@code stdin} as standard input. */
    Result runway(String stdin, String... args) {
        CommandLine commandLine = Runway.commandLine();
        inject(commandLine, stdin);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private void inject(CommandLine commandLine, String stdin) {
        if (commandLine.getCommand() instanceof ManagementCommand command) {
            command.environment = environment;
            if (command instanceof VariableCommands.StdinValue value) {
                value.stdin = new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (command instanceof ProjectSshKeyCommand.Add add) {
                add.in = new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        commandLine.getSubcommands().values().forEach(sub -> inject(sub, stdin));
    }

    @Test
    void sshKeysAreAddedFromStandardInputListedByFingerprintAndDeleted() throws Exception {
        assertThat(runway("", "project", "create", "acme", dir.resolve("repo").toString(), "--name", "keys").exit())
                .isZero();
        Path key = dir.resolve("id_ed25519");
        assertThat(new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .start().waitFor()).isZero();
        String fingerprint = new String(new ProcessBuilder("ssh-keygen", "-l", "-f", key.toString()).start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];
        String privateKey = Files.readString(key);

        Result added = runway(privateKey, "project", "ssh-key", "add", "gh/acme/keys");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added ssh-ed25519 key " + fingerprint + " (MD5 ");
        Result listed = runway("", "project", "ssh-key", "list", "gh/acme/keys");
        assertThat(listed.out()).contains(fingerprint, "ssh-ed25519").doesNotContain("PRIVATE");
        Result again = runway(privateKey, "project", "ssh-key", "add", "gh/acme/keys");
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("has a key " + fingerprint + " already");
        Result empty = runway("", "project", "ssh-key", "add", "gh/acme/keys");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("standard input: no key");
        Result otherFormat = runway(privateKey.replace("-----BEGIN OPENSSH", "-----BEGIN RSA"), "project",
                "ssh-key", "add", "gh/acme/keys");
        assertThat(otherFormat.err()).contains("not an OpenSSH private key").doesNotContain(privateKey.lines()
                .skip(1).findFirst().orElseThrow());
        assertThat(runway("", "project", "ssh-key", "delete", "gh/acme/keys", fingerprint).exit()).isZero();
        assertThat(runway("", "project", "ssh-key", "list", "gh/acme/keys").out()).doesNotContain(fingerprint);
    }

    @Test
    void projectCreateSetsTheWebhookSecretFromAFileOrShowsAGeneratedOneOnce() throws Exception {
        Path secretFile = dir.resolve("secret");
        Files.writeString(secretFile, "file-secret-value\n");
        Result fromFile = runway("", "project", "create", "acme", dir.resolve("repo").toString(), "--name", "one",
                "--webhook-secret-file", secretFile.toString());
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).contains("Webhook secret set from the file.").doesNotContain("file-secret-value")
                .contains("github webhook URL: " + server.uri().toString().replaceAll("/+$", "")
                        + "/api/v2/webhooks/github/gh%2Facme%2Fone");

        Result generated = runway("", "project", "create", "acme", dir.resolve("repo").toString(), "--name", "two");
        assertThat(generated.exit()).as(generated.err()).isZero();
        Matcher secret = Pattern.compile("shown this once; [^)]*\\): ([0-9a-f]{64})").matcher(generated.out());
        assertThat(secret.find()).as(generated.out()).isTrue();

        Result rotated = runway("", "project", "webhook-secret", "gh/acme/two");
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        assertThat(rotated.out()).doesNotContain(secret.group(1)).containsPattern("[0-9a-f]{64}");
        Result missing = runway("", "project", "webhook-secret", "gh/acme/two", "--file", dir.resolve("nope")
                .toString());
        assertThat(missing.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(missing.err()).contains("--file").contains("nope");
    }

    @Test
    void contextAndProjectVariablesAreSetFromStdinAndListedWithoutTheirValues() {
        assertThat(runway("", "project", "create", "acme", dir.resolve("repo").toString(), "--name", "app").exit())
                .isZero();
        assertThat(runway("", "context", "create", "deploy").exit()).isZero();
        assertThat(runway("", "context", "list").out()).contains("deploy");
        Result set = runway("s3cr3t-context-value\n", "context", "env", "set", "deploy", "API_KEY");
        assertThat(set.exit()).as(set.err()).isZero();
        Result listed = runway("", "context", "env", "list", "deploy");
        assertThat(listed.out()).contains("API_KEY").doesNotContain("s3cr3t");
        Result project = runway("project-value-WXYZ\n", "project", "env", "set", "gh/acme/app", "TOKEN");
        assertThat(project.exit()).as(project.err()).isZero();
        assertThat(runway("", "project", "env", "list", "gh/acme/app").out()).contains("TOKEN").contains("xxxxWXYZ")
                .doesNotContain("project-value");
        assertThat(runway("", "project", "env", "unset", "gh/acme/app", "TOKEN").exit()).isZero();
        assertThat(runway("", "context", "env", "unset", "deploy", "API_KEY").exit()).isZero();
        assertThat(runway("", "context", "delete", "deploy").exit()).isZero();
        Result gone = runway("", "context", "env", "list", "deploy");
        assertThat(gone.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(gone.err()).contains("context \"deploy\" does not exist");
    }

    @Test
    void pollingAndSchedulesThroughTheCli() throws Exception {
        Result badInterval = runway("", "project", "create", "acme", dir.resolve("repo").toString(), "--name", "app",
                "--poll", "main", "--poll-interval", "soon");
        assertThat(badInterval.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(badInterval.err()).contains("--poll-interval: \"soon\"");
        Result created = runway("", "project", "create", "acme", dir.resolve("repo").toString(), "--name", "app",
                "--poll", "main,release", "--poll-interval", "5m");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Polling main, release every 300s");
        Result shown = runway("", "project", "show", "gh/acme/app");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("polled:         main, release every 300s");
        Result updated = runway("", "project", "update", "gh/acme/app", "--poll", "dev");
        assertThat(updated.exit()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("Polling dev every 60s");
        assertThat(runway("", "project", "update", "gh/acme/app").exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(runway("", "project", "update", "gh/acme/app", "--no-poll").exit()).isZero();
        assertThat(runway("", "project", "show", "gh/acme/app").out()).doesNotContain("polled:");

        Result badCron = runway("", "schedule", "create", "gh/acme/app", "--cron", "0 3 * *");
        assertThat(badCron.exit()).isNotZero();
        assertThat(badCron.err()).contains("cron: \"0 3 * *\" has 4 fields");
        Result schedule = runway("", "schedule", "create", "gh/acme/app", "--cron", "0 3 * * *", "--name", "nightly",
                "--branch", "release", "--param", "deploy=true");
        assertThat(schedule.exit()).as(schedule.err()).isZero();
        Matcher id = Pattern.compile("Schedule ([0-9a-f-]{36}) created: 0 3 \\* \\* \\* \\(UTC\\), next run"
                + " \\S+T03:00:00Z").matcher(schedule.out());
        assertThat(id.find()).as(schedule.out()).isTrue();
        Result listed = runway("", "schedule", "list", "gh/acme/app");
        assertThat(listed.out()).contains(id.group(1)).contains("nightly").contains("release").contains("server");
        assertThat(runway("", "schedule", "delete", id.group(1)).exit()).isZero();
        assertThat(runway("", "schedule", "list", "gh/acme/app").out()).doesNotContain(id.group(1));
    }
}
