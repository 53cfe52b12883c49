package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.testsupport.ServerFixture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 MiB of step output through a task agent whose heap is capped at 64 MiB (its own JVM), stored byte for byte:
 * the SHA-256 of what the step printed equals the SHA-256 of what the server stored.
 */
class LargeOutputTest {
    static final long SIZE = 200L * 1024 * 1024;
    /** The first SIZE bytes of "1\n2\n3\n..." (seq is killed by SIGPIPE once head has enough). */
    static final String STEP = "{\"run\": \"{ seq 1 30000000 || true; } | head -c " + SIZE + "\"}";

    @Test
    void storesEveryByteOf200MiBWithTheTaskAgentHeapCappedAt64MiB(@TempDir Path data, @TempDir Path work)
            throws Exception {
        try (ServerFixture server = ServerFixture.inProcess(data)) {
            ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(STEP), null, null, null));
            Path log = work.resolveSibling(work.getFileName() + ".log");
            Process agent = JavaProcess.builder(List.of("-Xmx64m"), TaskAgentMain.class, server.uri().toString(),
                    claim.taskId()).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try (OutputStream stdin = agent.getOutputStream()) {
                stdin.write(claim.taskToken().getBytes(StandardCharsets.UTF_8));
            }
            assertThat(agent.waitFor(3, TimeUnit.MINUTES)).as("task agent finished").isTrue();
            String agentLog = Files.readString(log);
            assertThat(agent.exitValue()).as(agentLog).isZero();
            assertThat(agentLog).contains("max heap").doesNotContain("OutOfMemoryError");

            JobStatus status = server.status(claim.jobId());
            assertThat(status.state()).as(status.toString()).isEqualTo(JobState.SUCCESS);
            assertThat(status.steps().get(0).outputBytes()).isEqualTo(SIZE);
            assertThat(storedSha256(server, claim.jobId(), 0)).isEqualTo(seqSha256(SIZE));
        }
    }

    /** SHA-256 of the step's stored output, read back through the API. */
    static String storedSha256(ServerFixture server, String jobId, int step) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long offset = 0;
        while (true) {
            ManagementClient.OutputChunk chunk = server.outputChunk(jobId, step, offset);
            if (chunk.data().length == 0) {
                return HexFormat.of().formatHex(digest.digest());
            }
            digest.update(chunk.data());
            offset = chunk.nextOffset();
        }
    }

    /** SHA-256 of the first {@code size} bytes of seq's output, 1 to whatever it takes. */
    static String seqSha256(long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        StringBuilder block = new StringBuilder();
        long remaining = size;
        for (long i = 1; remaining > 0; i++) {
            block.append(i).append('\n');
            if (block.length() >= 1 << 20 || block.length() >= remaining) {
                byte[] bytes = block.toString().getBytes(StandardCharsets.US_ASCII);
                int n = (int) Math.min(bytes.length, remaining);
                digest.update(bytes, 0, n);
                remaining -= n;
                block.setLength(0);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
