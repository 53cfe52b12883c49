package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.server.RunwayServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target: output chunk offsets against the real server's output endpoints. Random sequences of appends (at the
 * end, resends from earlier offsets, gaps, negative offsets, empty and garbage offsets) and reads (any offset)
 * are checked against a model of what must be stored: a resend never duplicates, a gap or a bad offset is refused
 * with the expected offset or a 400, and never does the server answer 5xx.
 */
class OutputOffsetFuzzTest {
    private static final List<String> BAD_OFFSETS = List.of("abc", "1e3", "99999999999999999999", " 1", "0x10",
            "--1", "%00", "1.5", "+", "%2Bx", "-9223372036854775808");

    @Test
    void storedOutputFollowsTheModelWhateverTheOffsets(@TempDir Path home) throws Exception {
        long seed = FaultSeeds.seed("output offsets fuzz", 404L);
        Random random = new Random(seed);
        int operations = FaultSeeds.longProfile() ? 40_000 : 4_000;
        List<String> violations = new ArrayList<>();
        try (ClaimedTask claimed = ClaimedTask.start(home, "true")) {
            RunwayServer server = claimed.server();
            ManagementClient management = claimed.management();
            JobStatus job = claimed.job();
            ClaimResponse claim = claimed.claim();
            TaskClient task = claimed.task();
            task.stepStarted(0, new StepStart("offsets", Instant.now().toString()));
            HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            ByteArrayOutputStream model = new ByteArrayOutputStream();
            for (int op = 0; op < operations; op++) {
                if (op % 500 == 0) {
                    task.heartbeat(); // appends do not renew the lease; a long run would lose its task
                }
                byte[] stored = model.toByteArray();
                switch (random.nextInt(10)) {
                    case 0, 1, 2, 3, 4 -> append(task, random, model, stored, violations);
                    case 5, 6 -> read(management, job.id(), random, stored, violations);
                    case 7 -> badOffset(raw, server.uri(), claim, random, violations);
                    default -> badRead(raw, server.uri(), server.adminToken(), job.id(), random, violations);
                }
                if (violations.size() > 20) {
                    break;
                }
            }
            byte[] all = readAll(management, job.id());
            if (!Arrays.equals(all, model.toByteArray())) {
                violations.add("final output: " + RunChecks.difference(model.toByteArray(), all));
            }
            System.out.println("[faults] output offsets fuzz: " + operations + " operations, "
                    + model.size() + " bytes stored, " + violations.size() + " violations");
        }
        assertThat(violations).isEmpty();
    }

    /** An append at the end, a resend from earlier (maybe reaching past the end), a gap or a negative offset. */
    private static void append(TaskClient task, Random random, ByteArrayOutputStream model, byte[] stored,
            List<String> violations) throws InterruptedException {
        long length = stored.length;
        int kind = random.nextInt(10);
        // resends start at most 256 KiB back: a real resend is one chunk, and a body stays under the 4 MiB limit
        long resendFrom = Math.max(0, length - 256 * 1024);
        long offset = kind < 5 ? length : kind < 8 ? resendFrom + random.nextInt((int) (length - resendFrom) + 1)
                : kind == 8 ? length + 1 + random.nextInt(1000) : -1 - random.nextInt(1000);
        byte[] fresh = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 64 : 9000)];
        random.nextBytes(fresh);
        byte[] data = fresh;
        if (offset >= 0 && offset < length) {
            // a resend carries the bytes the server already has (the same chunk again), maybe and then more
            byte[] old = Arrays.copyOfRange(stored, (int) offset, (int) Math.min(length, offset + random.nextInt(
                    (int) (length - offset) + 1)));
            boolean reachesEnd = offset + old.length == length;
            data = reachesEnd ? concat(old, fresh) : old;
        }
        try {
            OutputAck ack = task.appendOutput(0, offset, data, data.length, System.currentTimeMillis());
            if (offset < 0 || offset > length) {
                violations.add("append at " + offset + " with " + length + " stored was accepted: " + ack);
                return;
            }
            long skip = length - offset;
            if (skip < data.length) {
                model.write(data, (int) skip, data.length - (int) skip);
            }
            if (ack.nextOffset() != model.size()) {
                violations.add("append at " + offset + " of " + data.length + " bytes (" + length
                        + " stored) acknowledged next offset " + ack.nextOffset() + ", model " + model.size());
            }
        } catch (TaskClient.OffsetMismatchException mismatch) {
            if (offset >= 0 && offset <= length) {
                violations.add("append at " + offset + " (" + length + " stored) refused: " + mismatch.getMessage());
            } else if (mismatch.expectedOffset() != length) {
                violations.add("a refused append named offset " + mismatch.expectedOffset() + ", stored " + length);
            }
        } catch (ApiException e) {
            violations.add("append at " + offset + " of " + data.length + " bytes failed: " + e.getMessage());
        }
    }

    /** A read from any offset answers exactly the model's bytes from there (or 400 before the start). */
    private static void read(ManagementClient management, String jobId, Random random, byte[] stored,
            List<String> violations) throws InterruptedException {
        long offset = random.nextInt(stored.length + 20) - 5;
        try {
            ManagementClient.OutputChunk chunk = management.jobOutput(jobId, 0, offset, Duration.ZERO);
            byte[] expected = offset >= stored.length ? new byte[0] : Arrays.copyOfRange(stored, (int) offset,
                    (int) Math.min(stored.length, offset + chunk.data().length));
            if (offset < 0 || !Arrays.equals(expected, chunk.data()) || chunk.nextOffset() != Math.max(offset, 0)
                    + chunk.data().length || offset < stored.length && chunk.data().length == 0) {
                violations.add("read at " + offset + " of " + stored.length + " stored answered "
                        + chunk.data().length + " bytes, next " + chunk.nextOffset() + ": "
                        + RunChecks.difference(expected, chunk.data()));
            }
        } catch (ApiException e) {
            if (offset >= 0 || e.status() != 400) {
                violations.add("read at " + offset + " answered " + e.getMessage());
            }
        }
    }

    private static void badOffset(HttpClient raw, URI server, ClaimResponse claim, Random random,
            List<String> violations) throws Exception {
        String offset = BAD_OFFSETS.get(random.nextInt(BAD_OFFSETS.size()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + ApiPaths.stepOutput(claim.taskId(),
                        random.nextInt(3) - 1) + "?offset=" + offset.replace(" ", "%20")))
                .header("Authorization", "Bearer " + claim.taskToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        int status = raw.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status >= 500 || status < 400) {
            violations.add("append with offset \"" + offset + "\" answered " + status);
        }
    }

    private static void badRead(HttpClient raw, URI server, String adminToken, String jobId, Random random,
            List<String> violations) throws Exception {
        String offset = BAD_OFFSETS.get(random.nextInt(BAD_OFFSETS.size()));
        int step = random.nextInt(4) - 2;
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + JobsApi.stepOutput(jobId, step)
                + "?offset=" + offset.replace(" ", "%20"))).header("Circle-Token", adminToken).GET().build();
        int status = raw.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status >= 500 || status < 400) {
            violations.add("read of step " + step + " at offset \"" + offset + "\" answered " + status);
        }
    }

    private static byte[] readAll(ManagementClient management, String jobId) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            ManagementClient.OutputChunk chunk = management.jobOutput(jobId, 0, offset, Duration.ZERO);
            if (chunk.data().length == 0) {
                return all.toByteArray();
            }
            all.writeBytes(chunk.data());
            offset = chunk.nextOffset();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
