package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.server.store.Store;
import dev.runway.server.store.h2.H2Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server keeps at rest is its own: the data directory 0700 and its files 0600 on every start (or a refusal
 * with --strict), job secrets sealed in the database, step output files 0600, and a key rotation that loses nothing.
 */
class DataAtRestTest {
    private static final String SECRET = "hunter2-at-rest-value";
    @TempDir
    Path temp;

    private static JobsApi.JobSubmission secretJob(String name) {
        return new JobsApi.JobSubmission(TestServer.RESOURCE_CLASS, name,
                JobsApi.JobSubmission.ofCommands("x/y", "n", "echo hi").steps(), Map.of("PLAIN", "visible"),
                Map.of("DEPLOY_KEY", SECRET), null, "1h");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /** Every entry of the tree whose mode lets group or others in. */
    private static List<String> openToOthers(Path root) throws Exception {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all::iterator) {
                String mode = mode(path);
                if (!mode.endsWith("------")) {
                    open.add(root.relativize(path) + " " + mode);
                }
            }
        }
        return open;
    }

    private static void openEverything(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path)
                        ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /** Runs one job through its first output chunk, so that output files exist. */
    private static void runOneJobWithOutput(TestServer server) throws Exception {
        String token = server.resourceClassToken();
        server.admin.submitJob(secretJob("with-output"));
        ClaimResponse claim = server.runner(token).claim(TestServer.claimRequest("r1", 5)).orElseThrow();
        TaskClient task = server.runner(token).forTask(claim);
        byte[] line = "hello\n".getBytes(StandardCharsets.UTF_8);
        task.appendOutput(0, 0, line, line.length, 1);
    }

    @Test
    void aDataDirectoryThatAlreadyExistedIsMadePrivateOnStart() throws Exception {
        Path data = Files.createDirectory(temp.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        try (TestServer server = new TestServer(data)) {
            runOneJobWithOutput(server);
            assertThat(openToOthers(data)).as("what the server made: database, token, key, output").isEmpty();
        }
        // as an earlier release (or a careless copy) left it
        openEverything(data);
        assertThat(openToOthers(data)).isNotEmpty();
        try (TestServer server = new TestServer(data)) {
            assertThat(openToOthers(data)).isEmpty();
        }
    }

    @Test
    void strictRefusesADataDirectoryOpenToOthers() throws Exception {
        Path data = temp.resolve("data");
        new TestServer(data).close();
        Files.setPosixFilePermissions(data.resolve("runway.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        ServerSettings strict = new ServerSettings(data, "127.0.0.1", 0)
                .withProtection(new DataProtection(true, null, null, null));
        assertThatThrownBy(() -> RunwayServer.start(strict)).hasMessageContaining("--strict")
                .hasMessageContaining(data.resolve("runway.mv.db").toString()).hasMessageContaining("rw-r--r--");
        assertThat(mode(data.resolve("runway.mv.db"))).as("refused, not changed").isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(data.resolve("runway.mv.db"), PosixFilePermissions.fromString("rw-------"));
        RunwayServer.start(strict).close();
    }

    @Test
    void secretsAreSealedInTheDatabaseAndReachOnlyTheTask() throws Exception {
        Path data = temp.resolve("data");
        String jobId;
        try (TestServer server = new TestServer(data)) {
            String token = server.resourceClassToken();
            jobId = server.admin.submitJob(secretJob("sealed")).id();
            ClaimResponse claim = server.runner(token).claim(TestServer.claimRequest("r1", 5)).orElseThrow();
            assertThat(server.runner(token).forTask(claim).job().environment()).containsEntry("DEPLOY_KEY", SECRET)
                    .containsEntry("PLAIN", "visible");
        }
        assertThat(everyFileHolding(data, SECRET)).as("files holding the secret in plain text").isEmpty();
        assertThat(mode(data.resolve(DataProtection.KEY_FILE_NAME))).isEqualTo("rw-------");
        try (Store store = H2Store.open(data)) {
            assertThat(store.jobs().find(jobId).orElseThrow().definition()).contains("\"sealed_secrets\":\"aesgcm1:")
                    .doesNotContain("DEPLOY_KEY");
        }
    }

    @Test
    void aRotatedKeySealsEverySecretAgainAndThePreviousKeyGoes() throws Exception {
        Path data = temp.resolve("data");
        String token;
        try (TestServer server = new TestServer(data)) {
            token = server.resourceClassToken();
            server.admin.submitJob(secretJob("before rotation"));
        }
        Path keyFile = data.resolve(DataProtection.KEY_FILE_NAME);
        String oldKey = Files.readString(keyFile);
        Path previous = RunwayServer.rotateSecretsKey(new ServerSettings(data, "127.0.0.1", 0));
        assertThat(previous).hasFileName("secrets.key.previous");
        assertThat(Files.readString(previous)).isEqualTo(oldKey);
        assertThat(Files.readString(keyFile)).isNotEqualTo(oldKey);
        assertThat(mode(keyFile)).isEqualTo("rw-------");
        assertThatThrownBy(() -> RunwayServer.rotateSecretsKey(new ServerSettings(data, "127.0.0.1", 0)))
                .as("a second rotation before a start would lose the key that still seals the secrets")
                .hasMessageContaining("not finished");

        try (TestServer server = new TestServer(data)) {
            assertThat(previous).doesNotExist();
            ClaimResponse claim = server.runner(token).claim(TestServer.claimRequest("r1", 5)).orElseThrow();
            assertThat(server.runner(token).forTask(claim).job().environment()).containsEntry("DEPLOY_KEY", SECRET);
        }
        assertThat(everyFileHolding(data, SECRET)).isEmpty();
    }

    @Test
    void aKeyFromTheEnvironmentIsUsedAndAWrongOneRefusedNamingWhatToGive() throws Exception {
        Path data = temp.resolve("data");
        String first = Base64.getEncoder().encodeToString(new byte[32]);
        byte[] other = new byte[32];
        other[0] = 1;
        String second = Base64.getEncoder().encodeToString(other);
        ServerSettings settings = new ServerSettings(data, "127.0.0.1", 0);
        try (TestServer server = new TestServer(settings.withProtection(new DataProtection(false, null, first,
                null)))) {
            server.resourceClassToken();
            server.admin.submitJob(secretJob("env key"));
        }
        assertThat(data.resolve(DataProtection.KEY_FILE_NAME)).as("no key file when the key is given").doesNotExist();
        assertThatThrownBy(() -> RunwayServer.start(settings.withProtection(new DataProtection(false, null, second,
                null)))).hasMessageContaining(DataProtection.PREVIOUS_KEY_VARIABLE).hasMessageNotContaining(second)
                .hasMessageNotContaining(first);
        assertThatThrownBy(() -> RunwayServer.start(settings.withProtection(new DataProtection(false, null,
                "not a key", null)))).hasMessageContaining(DataProtection.KEY_VARIABLE + ": not a secrets key");
        // the rotation by environment: the new key, and the old one as the previous key, for one start
        new TestServer(settings.withProtection(new DataProtection(false, null, second, first))).close();
        try (TestServer server = new TestServer(settings.withProtection(new DataProtection(false, null, second,
                null)))) {
            String token = server.resourceClassToken();
            ClaimResponse claim = server.runner(token).claim(TestServer.claimRequest("r1", 5)).orElseThrow();
            assertThat(server.runner(token).forTask(claim).job().environment()).containsEntry("DEPLOY_KEY", SECRET);
        }
    }

    /** Files under {@code root} whose bytes hold {@code text}. */
    static List<Path> everyFileHolding(Path root, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path file : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                byte[] bytes = Files.readAllBytes(file);
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                        found.add(file);
                        break;
                    }
                }
            }
        }
        return found;
    }
}
