package dev.runway.server.store.jdbc;

import dev.runway.server.store.OutputRepository;
import dev.runway.server.store.StoreRefusal;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;

/**
 * The step_output table: one row per stored piece at its byte offset, its bytes in base64. The largest offset plus
 * its count is the output's length, which makes appends idempotent by offset; two processes appending the same bytes
 * at once collide on the primary key, and the one that lost finds them stored when it looks again.
 */
final class JdbcOutput implements OutputRepository {
    /** Bytes per row: a large chunk is kept in several rows, each well inside any engine's text limit. */
    static final int PIECE = 192 * 1024;
    private final Database db;

    JdbcOutput(Database db) {
        this.db = db;
    }

    private record Piece(long offset, int count, String data) {}

    @Override
    public Appended append(String taskId, int step, long offset, byte[] data, long readAt) {
        try {
            return db.tx(() -> appendOnce(taskId, step, offset, data, readAt));
        } catch (StoreRefusal duplicate) {
            // another process stored this piece meanwhile: what it stored is skipped now
            return db.tx(() -> appendOnce(taskId, step, offset, data, readAt));
        }
    }

    private Appended appendOnce(String taskId, int step, long offset, byte[] data, long readAt) throws SQLException {
        long length = lengthOf(taskId, step);
        if (offset < 0 || offset > length) {
            return new Appended(length, false);
        }
        int from = (int) Math.min(data.length, length - offset);
        long at = length;
        for (int i = from; i < data.length; i += PIECE) {
            int count = Math.min(PIECE, data.length - i);
            byte[] piece = java.util.Arrays.copyOfRange(data, i, i + count);
            db.update("INSERT INTO step_output (task_id, step, byte_offset, byte_count, data, read_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", taskId, step, at, count,
                    Base64.getEncoder().encodeToString(piece), readAt);
            at += count;
        }
        return new Appended(at, true);
    }

    private long lengthOf(String taskId, int step) throws SQLException {
        return db.one(row -> row.getLong(1), "SELECT COALESCE(MAX(byte_offset + byte_count), 0) FROM step_output"
                + " WHERE task_id = ? AND step = ?", taskId, step).orElse(0L);
    }

    @Override
    public long length(String taskId, int step) {
        return db.tx(() -> lengthOf(taskId, step));
    }

    @Override
    public byte[] read(String taskId, int step, long offset, int max) {
        List<Piece> pieces = db.tx(() -> db.query(row -> new Piece(row.getLong(1), row.getInt(2), row.getString(3)),
                "SELECT byte_offset, byte_count, data FROM step_output WHERE task_id = ? AND step = ?"
                        + " AND byte_offset + byte_count > ? AND byte_offset < ? ORDER BY byte_offset", taskId, step,
                offset, offset + max));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long position = offset;
        for (Piece piece : pieces) {
            if (piece.offset() > position || out.size() >= max) {
                break;
            }
            byte[] bytes = Base64.getDecoder().decode(piece.data());
            int skip = (int) (position - piece.offset());
            int take = Math.min(bytes.length - skip, max - out.size());
            out.write(bytes, skip, take);
            position += take;
        }
        return out.toByteArray();
    }
}
