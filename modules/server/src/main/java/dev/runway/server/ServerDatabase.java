package dev.runway.server;

import dev.runway.server.store.SecretCipher;
import dev.runway.server.store.Store;
import dev.runway.server.store.h2.H2Store;
import dev.runway.server.store.postgres.PostgresLocation;
import dev.runway.server.store.postgres.PostgresStore;
import java.nio.file.Path;

/**
 * Which store a server opens: embedded H2 in its data directory (no URL), or a PostgreSQL database that several
 * replicas share ({@code postgresql://HOST[:PORT]/DATABASE?user=NAME}). The password comes apart from the URL (a
 * file or the environment) and is never shown.
 */
public record ServerDatabase(String url, String password) {
    /** The environment variables that name the database and its password. */
    public static final String URL_VARIABLE = "RUNWAY_DATABASE_URL";
    public static final String PASSWORD_VARIABLE = "RUNWAY_DATABASE_PASSWORD";

    /** The embedded H2 store of the data directory. */
    public static final ServerDatabase EMBEDDED = new ServerDatabase(null, null);

    public ServerDatabase {
        if (url != null) {
            PostgresLocation.parse(url); // a bad URL stops the start before anything is opened
        }
    }

    public boolean embedded() {
        return url == null;
    }

    /** Opens the store (bringing its schema to the newest version). */
    /** Opens the store without the secrets key: tables move as stored, sealed values stay sealed. */
    Store open(Path dataDir) {
        return open(dataDir, SecretCipher.NONE);
    }

    Store open(Path dataDir, SecretCipher cipher) {
        return embedded() ? H2Store.open(dataDir, cipher)
                : PostgresStore.open(PostgresLocation.parse(url), password, cipher);
    }

    /** Where the store is, for messages: the data directory or the URL (never the password). */
    String describe(Path dataDir) {
        return embedded() ? dataDir.toString() : PostgresLocation.parse(url).toString();
    }

    @Override
    public String toString() {
        return embedded() ? "embedded H2" : PostgresLocation.parse(url) + (password == null ? "" : " (password set)");
    }
}
