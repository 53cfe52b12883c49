package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.runway.client.ManagementClient.OutputChunk;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.server.store.Job;
import dev.runway.server.store.Namespace;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Runner;
import dev.runway.server.store.Step;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import dev.runway.server.store.TaskState;
import dev.runway.server.store.Token;
import dev.runway.server.store.h2.H2Store;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written before the schema had versions (src/test/resources/previous-schema, its README says by
 * which commit) opens with today's store, is upgraded in place, keeps every record, and serves as before.
 */
class StoreSchemaUpgradeTest {
    private static final String FIXTURE = "/previous-schema/";
    @TempDir
    Path temp;
    private Path data;
    private Properties fixture;

    @BeforeEach
    void copyTheFixture() throws Exception {
        data = temp.resolve("data");
        Path source = Path.of(StoreSchemaUpgradeTest.class.getResource(FIXTURE + "data").toURI());
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, data.resolve(source.relativize(file).toString()));
            }
        }
        fixture = new Properties();
        try (InputStream in = StoreSchemaUpgradeTest.class.getResourceAsStream(FIXTURE + "fixture.properties")) {
            fixture.load(in);
        }
        assertThat(schemaVersions(data)).as("the fixture predates schema versions").isEmpty();
    }

    @Test
    void theStoreUpgradesItInPlaceAndReadsBackEveryRecord() throws Exception {
        try (Store store = H2Store.open(data)) {
            assertThat(store.management().namespace("acme")).get().extracting(Namespace::orgId)
                    .isEqualTo("github/acme");
            assertThat(store.management().namespace("umbrella")).get().extracting(Namespace::orgId)
                    .isEqualTo("gitlab/umbrella");
            // version 3: each namespace gets an organisation id, a UUID of its own
            List<String> organisations = store.management().namespaces().stream().map(Namespace::organizationId)
                    .toList();
            assertThat(organisations).hasSize(2).doesNotHaveDuplicates()
                    .allSatisfy(id -> assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id));
            Namespace acme = store.management().namespace("acme").orElseThrow();
            assertThat(store.management().namespaceByOrganization(acme.organizationId())).contains(acme);
            ResourceClass linux = store.management().resourceClassByName("acme", "linux").orElseThrow();
            assertThat(linux.description()).isEqualTo("test machines");
            assertThat(store.management().resourceClasses("acme")).containsExactly(linux);
            String tokenHash = Tokens.hash(fixture.getProperty("resource-class-token"));
            assertThat(store.management().tokens(linux.id())).extracting(Token::nickname, Token::hash)
                    .containsExactly(tuple("ci-runners", tokenHash));
            assertThat(store.management().resourceClassByTokenHash(tokenHash)).contains(linux);
            List<Runner> runners = store.runners().list(List.of(linux.id()));
            assertThat(runners).extracting(Runner::name).containsExactly("runner-1");
            assertThat(runners.get(0).lastUsed()).as("the runner took a task").isNotNull();

            Job finished = store.jobs().find(fixture.getProperty("finished-job")).orElseThrow();
            assertThat(finished.buildNum()).isEqualTo(1);
            assertThat(finished.name()).isEqualTo("build");
            assertThat(finished.state()).isEqualTo(JobState.FAILED);
            assertThat(finished.reason()).isEqualTo("step 1 failed");
            assertThat(finished.attempts()).isEqualTo(1);
            assertThat(finished.definition()).contains("echo hello");
            assertThat(finished.taskId()).isEqualTo(fixture.getProperty("finished-task"));
            Task task = store.tasks().find(finished.taskId()).orElseThrow();
            assertThat(task.state()).isEqualTo(TaskState.FINISHED);
            assertThat(task.runnerName()).isEqualTo("runner-1");
            assertThat(store.tasks().steps(task.id())).extracting(step -> step.result().status(),
                    step -> step.result().exitCode(), Step::name).containsExactly(
                            tuple(StepStatus.SUCCESS, 0, "echo hello"),
                            tuple(StepStatus.FAILED, 3, "exit 3"));

            Job queued = store.jobs().find(fixture.getProperty("queued-job")).orElseThrow();
            assertThat(queued.state()).isEqualTo(JobState.QUEUED);
            assertThat(queued.buildNum()).isEqualTo(2);
            assertThat(store.jobs().count(linux.id(), JobState.QUEUED)).isEqualTo(1);
        }
        assertThat(schemaVersions(data)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20);
        assertThat(indexes(data)).as("version 2's index, dropped by version 19: a task's job is found through the"
                + " task's row").doesNotContain("JOBS_TASK");
        assertThat(indexes(data)).as("version 3's index").contains("NAMESPACES_ORGANIZATION");
        assertThat(indexes(data)).as("version 5's index").contains("JOBS_SECRETS_KEY");
    }

    @Test
    void theServerServesTheUpgradedDataDirectory() throws Exception {
        String rcToken = fixture.getProperty("resource-class-token");
        try (TestServer server = new TestServer(data)) {
            // the admin token file of the old directory still rules
            JobStatus finished = server.admin.jobStatus(fixture.getProperty("finished-job"));
            assertThat(finished.state()).isEqualTo(JobState.FAILED);
            assertThat(finished.runner()).isEqualTo("runner-1");
            assertThat(finished.steps().get(0).outputBytes()).isEqualTo(6);
            OutputChunk output = server.admin.jobOutput(finished.id(), 0, 0, Duration.ZERO);
            assertThat(new String(output.data(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
            assertThat(server.admin.listRunnersOfResourceClass(TestServer.RESOURCE_CLASS).items())
                    .extracting(r -> r.name()).containsExactly("runner-1");

            RunnerClient runner = server.runner(rcToken);
            ClaimResponse old = runner.claim(TestServer.claimRequest("runner-2", 5)).orElseThrow();
            assertThat(old.jobId()).as("the queued job, with the old token").isEqualTo(
                    fixture.getProperty("queued-job"));
            JobStatus fresh = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS,
                    "after-upgrade", "echo again"));
            assertThat(fresh.buildNum()).as("build numbers go on").isEqualTo(3);
            assertThat(runner.claim(TestServer.claimRequest("runner-2", 5)).orElseThrow().jobId())
                    .isEqualTo(fresh.id());
        }
        try (TestServer restarted = new TestServer(data)) {
            assertThat(restarted.admin.jobStatus(fixture.getProperty("queued-job")).state())
                    .isEqualTo(JobState.RUNNING);
        }
        assertThat(DataAtRestTest.everyFileHolding(data, "s3cr3t")).as("the old job's secret, in plain text")
                .isEmpty();
    }

    @Test
    void secretsStoredInPlainTextAreSealedOnTheFirstStart() throws Exception {
        assertThat(DataAtRestTest.everyFileHolding(data, "s3cr3t")).as("the fixture's secret, in plain text")
                .isNotEmpty();
        new TestServer(data).close();
        assertThat(DataAtRestTest.everyFileHolding(data, "s3cr3t")).as("not even in a page the database replaced")
                .isEmpty();
        SecretsKeys keys = SecretsKeys.load(DataProtection.DEFAULT, data);
        try (Store store = H2Store.open(data)) {
            Job finished = store.jobs().find(fixture.getProperty("finished-job")).orElseThrow();
            assertThat(finished.definition()).contains("sealed_secrets").doesNotContain("SECRET");
            assertThat(StoredJob.fromJson(finished.definition()).openSecrets(keys)).containsExactly(
                    java.util.Map.entry("SECRET", "s3cr3t"));
        }
        assertThat(schemaVersions(data)).as("each version applied once").containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9,
                10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    }

    @Test
    void aNewDataDirectoryStartsAtTheNewestVersion() throws Exception {
        Path empty = temp.resolve("new");
        Files.createDirectories(empty);
        H2Store.open(empty).close();
        assertThat(schemaVersions(empty)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20);
    }

    @Test
    void aDataDirectoryOfALaterSchemaIsRefusedNotMisread() throws Exception {
        H2Store.open(data).close();
        try (Connection connection = connect(data); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO schema_version (version, description, applied_at)"
                    + " VALUES (99, 'V99__from_the_future.sql', 0)");
        }
        assertThatThrownBy(() -> H2Store.open(data)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(data.toString())
                .hasMessageContaining("schema version 99, newer than this server knows (20)");
    }

    private static Connection connect(Path dataDir) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("runway").toAbsolutePath()
                + ";IFEXISTS=TRUE");
    }

    /** The versions recorded, in order; empty when the directory has no version table. */
    private static List<Integer> schemaVersions(Path dataDir) throws SQLException {
        try (Connection connection = connect(dataDir); Statement statement = connection.createStatement()) {
            try (ResultSet tables = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_NAME = 'SCHEMA_VERSION'")) {
                tables.next();
                if (tables.getInt(1) == 0) {
                    return List.of();
                }
            }
            List<Integer> versions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
                while (rows.next()) {
                    versions.add(rows.getInt(1));
                }
            }
            return versions;
        }
    }

    private static List<String> indexes(Path dataDir) throws SQLException {
        try (Connection connection = connect(dataDir); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }
}
