package dev.runway.server.store.jdbc;

import dev.runway.server.store.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The one place where secret values the server must read back (webhook secrets, context and project variables)
 * become what their {@code value_enc} columns hold, and back: sealed by the server's {@link SecretCipher} (AES-GCM
 * with its secrets key). Rows written by a release that only base64-wrapped them still read, and
 * {@link #resealAll} seals them (and values sealed with a previous key) again on start.
 */
final class SecretValues {
    /** Each table with a {@code value_enc} column, and the columns that name a row. */
    private record Column(String table, List<String> key) {}

    private static final List<Column> COLUMNS = List.of(new Column("webhook_secrets", List.of("project_id")),
            new Column("context_variables", List.of("context_id", "name")),
            new Column("project_variables", List.of("project_id", "name")),
            new Column("pipeline_continuations", List.of("pipeline_id")));

    private final SecretCipher cipher;

    SecretValues(SecretCipher cipher) {
        this.cipher = cipher;
    }

    String encrypt(String value) {
        return cipher.seal(value);
    }

    String decrypt(String stored) {
        if (cipher.isSealed(stored)) {
            return cipher.open(stored);
        }
        return new String(Base64.getDecoder().decode(stored), StandardCharsets.UTF_8);
    }

    /** Seals again every value not sealed with the current key, in one transaction; answers how many. */
    int resealAll(Database db) {
        return db.tx(() -> {
            int resealed = 0;
            for (Column column : COLUMNS) {
                String key = String.join(", ", column.key());
                String where = String.join(" = ? AND ", column.key()) + " = ?";
                List<String[]> rows = db.query(row -> {
                    String[] values = new String[column.key().size() + 1];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = row.getString(i + 1);
                    }
                    return values;
                }, "SELECT " + key + ", value_enc FROM " + column.table());
                for (String[] row : rows) {
                    String stored = row[row.length - 1];
                    if (cipher.isSealed(stored) && cipher.isCurrent(stored)) {
                        continue;
                    }
                    Object[] arguments = new Object[row.length];
                    arguments[0] = encrypt(decrypt(stored));
                    System.arraycopy(row, 0, arguments, 1, row.length - 1);
                    db.update("UPDATE " + column.table() + " SET value_enc = ? WHERE " + where, arguments);
                    resealed++;
                }
            }
            return resealed;
        });
    }
}
