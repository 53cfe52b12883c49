package dev.runway.server.store;

import java.util.Optional;

/**
 * The durable state of the control plane, one repository per aggregate. Each repository method is one transaction:
 * when it returns, its change survives a kill -9 of the server. Times are epoch milliseconds. Tokens are kept only as
 * SHA-256 hashes. Step output is in files beside the database on an engine of one process, and in {@link #output()}
 * when several server replicas share the store ({@link #replicated()}).
 */
public interface Store extends AutoCloseable {
    ManagementRepository management();

    RunnerRepository runners();

    JobRepository jobs();

    TaskRepository tasks();

    PipelineRepository pipelines();

    /**
     * Rewrites the store's files so that no page of them still holds data that was replaced (e.g. job secrets in
     * plain text, before they were sealed). Slow on a big store: for rare occasions.
     */
    void compact();

    /**
     * Seals again with the current key every secret value (webhook secrets, context and project variables) that is
     * not: sealed with a previous key, or only base64-wrapped by an earlier release. Answers how many.
     */
    int resealSecretValues();

    TriggerRepository triggers();

    VariableRepository variables();

    TestResultRepository testResults();

    /** Step output in the database (the server uses it when {@link #replicated()}). */
    OutputRepository output();

    /** Whether other server processes may share this store (their claims, wake-ups and periodic tasks). */
    default boolean replicated() {
        return false;
    }

    /** Wake-ups to and from the other replicas. */
    default ReplicaSignals signals() {
        return ReplicaSignals.NONE;
    }

    /**
     * Runs {@code work} unless another replica runs the task of the same name right now (periodic tasks such as lease
     * reaping run once per tick across replicas); answers whether it ran here.
     */
    default boolean exclusively(String task, Runnable work) {
        work.run();
        return true;
    }

    /**
     * Runs {@code work} at most once per {@code tick} across replicas: only where no replica ran it for this tick or
     * a later one, and as {@link #exclusively}; answers whether it ran here. Ticks are numbered by the caller (e.g.
     * the time divided by the period), the same way in every replica.
     */
    default boolean oncePerTick(String task, long tick, Runnable work) {
        return exclusively(task, work);
    }

    /** The schema version the store had when it was opened (0: a new store), before its migrations ran. */
    int schemaVersionAtOpen();

    /** The schema version now: the newest this server knows. */
    int schemaVersion();

    /** Writes every table into {@code dir} (a file per table); answers each table's rows and digest. */
    java.util.List<TableDigest> exportTables(java.nio.file.Path dir);

    /**
     * Inserts the tables {@link #exportTables} wrote into this store, which must hold no rows yet, in one
     * transaction; answers each table's rows and digest as read back from this store.
     */
    java.util.List<TableDigest> importTables(java.nio.file.Path dir);

    /**
     * Why the store cannot serve now: empty when the database answers and its schema is at the newest version this
     * server knows; else the reason, in words (never a credential).
     */
    Optional<String> notReady();

    BlobRepository blobs();

    @Override
    void close();
}
