package dev.runway.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient.OutputChunk;
import dev.runway.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A step's output for the job page, from the API's output route ({@code /api/v3/jobs/{n}/steps/{i}/output}): a byte
 * range (the tail, or an earlier piece), and the live stream as Server-Sent Events whose ids are byte offsets, so a
 * browser that reconnects (sending Last-Event-ID) resumes where it was. A 200 MiB log is never read whole.
 */
final class LogRoutes {
    /** The most one range request answers. */
    static final long MAX_RANGE = 1024 * 1024;
    /** How long one follow of the API is held before the stream sends a keep-alive (and notices a gone browser). */
    static final Duration FOLLOW = Duration.ofSeconds(15);

    private LogRoutes() {}

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of the step's output, at most {@link #MAX_RANGE}. */
    static WebResponse range(WebRequest request, Api api, long jobNumber, int step)
            throws ApiException, InterruptedException {
        long from = Math.max(0, parse(request.query("from"), 0));
        long to = parse(request.query("to"), from + MAX_RANGE);
        to = Math.min(to, from + MAX_RANGE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long offset = from;
        while (offset < to) {
            OutputChunk chunk = api.management.jobOutput(Long.toString(jobNumber), step, offset, Duration.ZERO);
            if (chunk.data().length == 0) {
                break;
            }
            int take = (int) Math.min(chunk.data().length, to - offset);
            bytes.write(chunk.data(), 0, take);
            offset += take;
        }
        return WebResponse.bytes(200, "application/octet-stream", bytes.toByteArray(),
                Map.of("X-Range-Start", Long.toString(from), "X-Range-End", Long.toString(offset)));
    }

    /**
     * The live output from {@code Last-Event-ID} (a reconnect) or {@code ?offset=}: an event per chunk (id: the
     * offset after it; data: the bytes in base64, so a chunk may split a UTF-8 character or an ANSI sequence), then
     * an {@code end} event with the step's final state.
     */
    static WebResponse events(WebRequest request, Api api, long jobNumber, int step) {
        String resume = request.header("last-event-id");
        long start = Math.max(0, resume != null && !resume.isBlank() ? parse(resume, 0)
                : parse(request.query("offset"), 0));
        String job = Long.toString(jobNumber);
        return WebResponse.events(sink -> {
            long offset = start;
            sink.send("retry: 1000\n\n");
            while (true) {
                OutputChunk chunk;
                try {
                    chunk = api.management.jobOutput(job, step, offset, FOLLOW);
                } catch (ApiException e) {
                    if (e.status() == 0 || e.retryable()) {
                        throw e; // the browser reconnects and resumes
                    }
                    // no such job or step, or the token lost its access: reconnecting would not help
                    sink.send("event: failed\ndata: " + Json.writeString(Map.of("message", e.getMessage()))
                            + "\n\n");
                    return;
                }
                if (chunk.data().length > 0) {
                    offset = chunk.nextOffset();
                    sink.send("id: " + offset + "\ndata: " + Base64.getEncoder().encodeToString(chunk.data())
                            + "\n\n");
                } else if (!chunk.complete()) {
                    sink.send(": waiting\n\n");
                }
                if (chunk.complete()) {
                    sink.send("event: end\ndata: " + Json.writeString(finalState(api, job, step)) + "\n\n");
                    return;
                }
            }
        });
    }

    /** What log.js shows of a step once its output is complete: status, duration, exit code or signal. */
    private static Map<String, Object> finalState(Api api, String job, int step)
            throws ApiException, InterruptedException {
        JsonNode status = api.get("/api/v3/jobs/" + job);
        JsonNode state = status.path("steps").path(step);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", state.path("status").asText());
        result.put("duration", state.hasNonNull("duration_millis") ? Html.millis(state.path("duration_millis")
                .asLong()) : "");
        result.put("exit", state.hasNonNull("exit_code") ? "exit " + state.path("exit_code").asInt()
                : state.hasNonNull("signal") ? "signal " + state.path("signal").asInt() : "");
        result.put("job", status.path("state").asText());
        return result;
    }

    private static long parse(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
