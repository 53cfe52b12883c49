package dev.runway.server.store.jdbc;

/** What the contract tests in other packages need to know of {@link Migrations}: every file, on every engine. */
public final class MigrationFiles {
    private MigrationFiles() {}

    /** The number of migrations (file N is version N): every one of {@link Migrations#FILES}. */
    public static int count() {
        return Migrations.FILES.size();
    }
}
