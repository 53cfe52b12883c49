package dev.runway.server.store.jdbc;

import dev.runway.server.store.BlobRepository;
import dev.runway.server.store.JobRepository;
import dev.runway.server.store.ManagementRepository;
import dev.runway.server.store.PipelineRepository;
import dev.runway.server.store.RunnerRepository;
import dev.runway.server.store.Store;
import dev.runway.server.store.TaskRepository;
import dev.runway.server.store.TriggerRepository;
import dev.runway.server.store.VariableRepository;
import java.sql.SQLException;

/** {@link Store} on any {@link Engine}: one serialised connection, the schema brought to its newest version. */
public final class JdbcStore implements Store {
    private final Database db;
    private final ManagementRepository management;
    private final RunnerRepository runners;
    private final JobRepository jobs;
    private final TaskRepository tasks;
    private final PipelineRepository pipelines;
    private final TriggerRepository triggers;
    private final VariableRepository variables;
    private final BlobRepository blobs;

    private JdbcStore(Database db) {
        this.db = db;
        TokenClasses tokenClasses = new TokenClasses();
        JdbcRunners runners = new JdbcRunners(db);
        JdbcJobs jobs = new JdbcJobs(db);
        JdbcTasks tasks = new JdbcTasks(db, tokenClasses, runners, jobs);
        this.management = new JdbcManagement(db, tokenClasses, runners, jobs, tasks);
        this.runners = runners;
        this.jobs = jobs;
        this.tasks = tasks;
        this.pipelines = new JdbcPipelines(db, jobs);
        this.triggers = new JdbcTriggers(db);
        this.variables = new JdbcVariables(db);
        this.blobs = new JdbcBlobs(db);
    }

    /**
     * Connects, brings the schema to the newest version ({@code now} is recorded with each version applied) and
     * answers the store.
     */
    public static JdbcStore open(Engine engine, long now) throws SQLException {
        Database db = Database.open(engine);
        try {
            Migrations.apply(db, engine, now);
            return new JdbcStore(db);
        } catch (RuntimeException e) {
            db.close();
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
    public void close() {
        db.close();
    }
}
