package dev.runway.server.store.jdbc;

import dev.runway.server.store.TableDigest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Every table of the store to and from files ({@code TABLE.rows}): one line per row, each column base64 of its text
 * or {@code -} for NULL, tab-separated, the lines sorted. The same rows make the same file on every engine, so its
 * SHA-256 is the table's digest on both sides of a move. {@code schema_version} stays out: each side has its own.
 */
final class TableTransfer {
    private static final String SUFFIX = ".rows";
    private final Database db;

    TableTransfer(Database db) {
        this.db = db;
    }

    List<TableDigest> export(Path dir) {
        return db.tx(() -> {
            List<TableDigest> digests = new ArrayList<>();
            for (String table : tables()) {
                List<String> lines = lines(table);
                write(dir.resolve(table + SUFFIX), lines);
                digests.add(new TableDigest(table, lines.size(), digest(lines)));
            }
            return digests;
        });
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(file)) {
                for (String line : lines) {
                    out.write(line);
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Inserts every row of the files into this store, which must hold no rows yet; answers the digests read back. */
    List<TableDigest> importFrom(Path dir) {
        return db.tx(() -> {
            List<String> tables = tables();
            for (String table : tables) {
                if (db.one(row -> 1, "SELECT 1 FROM " + table + " LIMIT 1").isPresent()) {
                    throw new IllegalStateException("the target database is not empty: table " + table
                            + " has rows; import into a new database");
                }
            }
            for (String table : tables) {
                Path file = dir.resolve(table + SUFFIX);
                if (Files.exists(file)) {
                    insertAll(table, file);
                }
            }
            // job numbers go on after the highest imported one
            long next = db.one(row -> row.getLong(1), "SELECT COALESCE(MAX(build_num), 0) + 1 FROM jobs")
                    .orElse(1L);
            db.update("ALTER SEQUENCE build_numbers RESTART WITH " + next);
            List<TableDigest> digests = new ArrayList<>();
            for (String table : tables) {
                List<String> lines = lines(table);
                digests.add(new TableDigest(table, lines.size(), digest(lines)));
            }
            return digests;
        });
    }

    /** The store's tables, lower case, in name order. */
    private List<String> tables() throws SQLException {
        Connection connection = db.connection();
        DatabaseMetaData meta = connection.getMetaData();
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = meta.getTables(connection.getCatalog(), connection.getSchema(), "%",
                new String[] {"TABLE"})) {
            while (rows.next()) {
                String name = rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!name.equals("schema_version")) {
                    tables.add(name);
                }
            }
        }
        tables.sort(null);
        return tables;
    }

    /** The table's rows encoded, sorted; columns in name order (engines may order them differently). */
    private List<String> lines(String table) throws SQLException {
        List<String> columns = columns(table);
        List<String> lines = new ArrayList<>();
        try (PreparedStatement select = db.connection().prepareStatement("SELECT " + String.join(", ", columns)
                + " FROM " + table); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    if (i > 1) {
                        line.append('\t');
                    }
                    Object value = rows.getObject(i);
                    line.append(value == null ? "-" : Base64.getEncoder().encodeToString(text(value, rows, i)
                            .getBytes(StandardCharsets.UTF_8)));
                }
                lines.add(line.toString());
            }
        }
        lines.sort(null);
        return lines;
    }

    private static String text(Object value, ResultSet rows, int column) throws SQLException {
        if (value instanceof java.sql.Clob) {
            return rows.getString(column);
        }
        return String.valueOf(value); // numbers, booleans (true/false) and text alike on both engines
    }

    private List<String> columns(String table) throws SQLException {
        try (PreparedStatement select = db.connection().prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
                ResultSet rows = select.executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            columns.sort(null);
            return columns;
        }
    }

    private void insertAll(String table, Path file) throws SQLException {
        List<String> columns = columns(table);
        int[] types = new int[columns.size()];
        try (PreparedStatement select = db.connection().prepareStatement("SELECT " + String.join(", ", columns)
                + " FROM " + table + " WHERE 1 = 0"); ResultSet rows = select.executeQuery()) {
            for (int i = 0; i < types.length; i++) {
                types[i] = rows.getMetaData().getColumnType(i + 1);
            }
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + "?, ".repeat(columns.size() - 1) + "?)";
        try (PreparedStatement insert = db.connection().prepareStatement(sql);
                BufferedReader in = Files.newBufferedReader(file)) {
            int batched = 0;
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                String[] fields = line.split("\t", -1);
                if (fields.length != columns.size()) {
                    throw new IllegalStateException(file + " line " + number + ": " + fields.length + " columns, "
                            + "table " + table + " has " + columns.size());
                }
                for (int i = 0; i < fields.length; i++) {
                    bind(insert, i + 1, types[i], fields[i]);
                }
                insert.addBatch();
                if (++batched == 500) {
                    insert.executeBatch();
                    batched = 0;
                }
            }
            if (batched > 0) {
                insert.executeBatch();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void bind(PreparedStatement insert, int index, int type, String field) throws SQLException {
        if (field.equals("-")) {
            insert.setNull(index, type);
            return;
        }
        String text = new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
        switch (type) {
            case Types.BIGINT -> insert.setLong(index, Long.parseLong(text));
            case Types.INTEGER, Types.SMALLINT -> insert.setInt(index, Integer.parseInt(text));
            case Types.BOOLEAN, Types.BIT -> insert.setBoolean(index, Boolean.parseBoolean(text));
            default -> insert.setString(index, text);
        }
    }

    static String digest(List<String> lines) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String line : lines) {
                sha.update(line.getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
