package dev.runway.server.store;

/**
 * The durable state of the control plane, one repository per aggregate. Each repository method is one transaction:
 * when it returns, its change survives a kill -9 of the server. Times are epoch milliseconds. Tokens are kept only as
 * SHA-256 hashes. Step output is not here (the server keeps it in files beside the database).
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

    TriggerRepository triggers();

    VariableRepository variables();

    BlobRepository blobs();

    @Override
    void close();
}
