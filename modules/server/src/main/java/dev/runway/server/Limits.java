package dev.runway.server;

/** Request size limits. */
final class Limits {
    /** JSON request bodies. */
    static final int JSON_BODY = 1024 * 1024;
    /** One output chunk. */
    static final int OUTPUT_CHUNK = 4 * 1024 * 1024;
    /** What is read of any request before its route decides. */
    static final int LARGEST_BODY = Math.max(JSON_BODY, OUTPUT_CHUNK);
    /** One answer of the job output call. */
    static final int OUTPUT_READ = 1024 * 1024;

    private Limits() {}
}
