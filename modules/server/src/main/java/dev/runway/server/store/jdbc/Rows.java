package dev.runway.server.store.jdbc;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.server.store.ApiToken;
import dev.runway.server.store.Job;
import dev.runway.server.store.Namespace;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Runner;
import dev.runway.server.store.Step;
import dev.runway.server.store.Task;
import dev.runway.server.store.TaskState;
import dev.runway.server.store.Token;
import java.sql.ResultSet;
import java.sql.SQLException;

/** How a row of each table becomes its record. */
final class Rows {
    static final String JOB_COLUMNS = "id, build_num, resource_class_id, resource_class, name, definition,"
            + " max_run_time_seconds, state, reason, cancel_requested, attempts, requeues, task_id, created_at,"
            + " started_at, finished_at";
    static final String TASK_COLUMNS = "id, job_id, attempt, runner_name, state, claimed_at, lease_until,"
            + " finished_at";

    private Rows() {}

    static Namespace namespace(ResultSet row) throws SQLException {
        return new Namespace(row.getString("id"), row.getString("name"), row.getString("org_id"),
                row.getString("organization_id"), row.getLong("created_at"));
    }

    static ResourceClass resourceClass(ResultSet row) throws SQLException {
        return new ResourceClass(row.getString("id"), row.getString("namespace"), row.getString("name"),
                row.getString("description"), row.getLong("created_at"));
    }

    static Token token(ResultSet row) throws SQLException {
        return new Token(row.getString("id"), row.getString("resource_class_id"), row.getString("nickname"),
                row.getString("hash"), row.getLong("created_at"));
    }

    static ApiToken apiToken(ResultSet row) throws SQLException {
        return new ApiToken(row.getString("id"), row.getString("nickname"), row.getString("scope"),
                row.getString("namespace"), row.getString("hash"), row.getLong("created_at"));
    }

    static Runner runner(ResultSet row) throws SQLException {
        return new Runner(row.getString("resource_class_id"), row.getString("name"), row.getString("hostname"),
                row.getString("ip"), row.getString("version"), row.getLong("first_connected"),
                row.getLong("last_connected"), nullableLong(row, "last_used"));
    }

    static Job job(ResultSet row) throws SQLException {
        return new Job(row.getString("id"), row.getLong("build_num"), row.getString("resource_class_id"),
                row.getString("resource_class"), row.getString("name"), row.getString("definition"),
                row.getLong("max_run_time_seconds"), JobState.valueOf(row.getString("state")),
                row.getString("reason"), row.getBoolean("cancel_requested"), row.getInt("attempts"),
                row.getInt("requeues"), row.getString("task_id"), row.getLong("created_at"),
                nullableLong(row, "started_at"), nullableLong(row, "finished_at"));
    }

    static Task task(ResultSet row) throws SQLException {
        return new Task(row.getString("id"), row.getString("job_id"), row.getInt("attempt"),
                row.getString("runner_name"), TaskState.valueOf(row.getString("state")), row.getLong("claimed_at"),
                row.getLong("lease_until"), nullableLong(row, "finished_at"));
    }

    static Step step(ResultSet row) throws SQLException {
        Long duration = nullableLong(row, "duration_ms");
        StepResult result = new StepResult(StepStatus.valueOf(row.getString("status")),
                nullableInt(row, "exit_code"), nullableInt(row, "signal"), row.getString("reason"),
                duration == null ? 0 : duration, row.getString("finished_at"));
        return new Step(row.getString("task_id"), row.getInt("idx"), row.getString("name"), result,
                nullableLong(row, "started_at"));
    }

    static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }
}
