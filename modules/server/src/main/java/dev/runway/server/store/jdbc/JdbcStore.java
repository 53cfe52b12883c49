package dev.runway.server.store.jdbc;

import dev.runway.server.store.BlobRepository;
import dev.runway.server.store.JobRepository;
import dev.runway.server.store.ManagementRepository;
import dev.runway.server.store.OutputRepository;
import dev.runway.server.store.PipelineRepository;
import dev.runway.server.store.ReplicaSignals;
import dev.runway.server.store.RunnerRepository;
import dev.runway.server.store.SecretCipher;
import dev.runway.server.store.Store;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.TaskRepository;
import dev.runway.server.store.TestResultRepository;
import dev.runway.server.store.TriggerRepository;
import dev.runway.server.store.VariableRepository;
import java.sql.SQLException;
import java.util.Optional;

/**
 * {@link Store} on any {@link Engine}: one serialised connection per process, the schema brought to its newest
 * version.
 */
public final class JdbcStore implements Store {
    private final Database db;
    private final ManagementRepository management;
    private final RunnerRepository runners;
    private final JobRepository jobs;
    private final TaskRepository tasks;
    private final PipelineRepository pipelines;
    private final TriggerRepository triggers;
    private final VariableRepository variables;
    private final TestResultRepository testResults;
    private final SecretValues secretValues;
    private final OutputRepository output;
    private final Engine engine;
    private final int versionAtOpen;
    private final BlobRepository blobs;

    private JdbcStore(Database db, Engine engine, int versionAtOpen, SecretCipher cipher) {
        this.db = db;
        this.versionAtOpen = versionAtOpen;
        this.engine = engine;
        this.secretValues = new SecretValues(cipher);
        TokenClasses tokenClasses = new TokenClasses(!engine.replicated());
        JdbcRunners runners = new JdbcRunners(db);
        JdbcJobs jobs = new JdbcJobs(db);
        JdbcTasks tasks = new JdbcTasks(db, tokenClasses, runners, jobs);
        this.management = new JdbcManagement(db, tokenClasses, runners, jobs, tasks);
        this.runners = runners;
        this.jobs = jobs;
        this.tasks = tasks;
        this.pipelines = new JdbcPipelines(db, jobs);
        this.triggers = new JdbcTriggers(db, secretValues);
        this.variables = new JdbcVariables(db, secretValues);
        this.testResults = new JdbcTestResults(db);
        this.output = new JdbcOutput(db);
        this.blobs = new JdbcBlobs(db);
    }

    /**
     * Connects, brings the schema to the newest version ({@code now} is recorded with each version applied) and
     * answers the store; {@code cipher} seals the secret values it keeps (webhook secrets, variables).
     */
    public static JdbcStore open(Engine engine, long now, SecretCipher cipher) throws SQLException {
        Database db;
        try {
            db = Database.open(engine);
        } catch (SQLException | RuntimeException e) {
            engine.close();
            throw e;
        }
        try {
            int found = Migrations.apply(db, engine, now);
            return new JdbcStore(db, engine, found, cipher);
        } catch (RuntimeException e) {
            db.close();
            engine.close();
            throw e;
        }
    }

    @Override
    public BlobRepository blobs() {
        return blobs;
    }

    @Override
    public ManagementRepository management() {
        return management;
    }

    @Override
    public RunnerRepository runners() {
        return runners;
    }

    @Override
    public JobRepository jobs() {
        return jobs;
    }

    @Override
    public TaskRepository tasks() {
        return tasks;
    }

    @Override
    public PipelineRepository pipelines() {
        return pipelines;
    }

    @Override
    public TestResultRepository testResults() {
        return testResults;
    }

    @Override
    public int resealSecretValues() {
        return secretValues.resealAll(db);
    }

    @Override
    public Optional<String> notReady() {
        int version;
        try {
            version = db.tx(() -> Migrations.appliedVersion(db));
        } catch (RuntimeException e) {
            return Optional.of("the database does not answer: " + e.getMessage());
        }
        if (version != Migrations.latest()) {
            return Optional.of("the database schema is at version " + version + ", this server needs version "
                    + Migrations.latest());
        }
        return Optional.empty();
    }

    @Override
    public void compact() {
        db.compact();
    }

    @Override
    public TriggerRepository triggers() {
        return triggers;
    }

    @Override
    public VariableRepository variables() {
        return variables;
    }

    @Override
    public int schemaVersionAtOpen() {
        return versionAtOpen;
    }

    @Override
    public int schemaVersion() {
        return Migrations.latest();
    }

    @Override
    public java.util.List<dev.runway.server.store.TableDigest> exportTables(java.nio.file.Path dir) {
        return new TableTransfer(db).export(dir);
    }

    @Override
    public java.util.List<dev.runway.server.store.TableDigest> importTables(java.nio.file.Path dir) {
        return new TableTransfer(db).importFrom(dir);
    }

    @Override
    public OutputRepository output() {
        return output;
    }

    @Override
    public boolean replicated() {
        return engine.replicated();
    }

    @Override
    public ReplicaSignals signals() {
        return engine.signals();
    }

    @Override
    public boolean exclusively(String task, Runnable work) {
        return engine.exclusively(task, work);
    }

    /**
     * The tick is claimed by a conditional update of its row (as schedules claim their next run), inside the
     * advisory lock: of the replicas that reach the same tick, one moves the row forward and runs the task.
     */
    @Override
    public boolean oncePerTick(String task, long tick, Runnable work) {
        boolean[] ran = {false};
        engine.exclusively(task, () -> {
            if (claimTick(task, tick)) {
                ran[0] = true;
                work.run();
            }
        });
        return ran[0];
    }

    /** Whether this call moved the task's last tick to {@code tick} (no replica had reached it). */
    private boolean claimTick(String task, long tick) {
        try {
            return db.tx(() -> {
                if (db.update("UPDATE periodic_runs SET last_tick = ? WHERE name = ? AND last_tick < ?", tick, task,
                        tick) == 1) {
                    return true;
                }
                if (db.one(row -> 1, "SELECT 1 FROM periodic_runs WHERE name = ?", task).isPresent()) {
                    return false;
                }
                db.update("INSERT INTO periodic_runs (name, last_tick) VALUES (?, ?)", task, tick);
                return true;
            });
        } catch (StoreRefusal raced) {
            if (raced.reason() != StoreRefusal.Reason.CONFLICT) {
                throw raced;
            }
            return false; // another replica inserted the task's first row at the same time: that tick is its
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } finally {
            engine.close();
        }
    }
}
