package dev.runway.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The systemd launcher's default sandbox, seen from inside a job: /usr cannot be written, /tmp is the task's own, a
 * setuid binary does not raise its privileges, the working directory is the task user's alone, and other users'
 * processes (the agent's, other task users') are not in its /proc.
 */
class SystemdSandboxTests extends SystemdAgentTestCase {

    @Test
    void aJobCannotWriteUsrSeesItsOwnTmpAndSetuidDoesNotElevate() throws Exception {
        String agent = harness.agent();
        // a setuid-root copy of id: without no-new-privileges it reports uid 0 to a job
        Path bin = Files.createDirectories(Path.of("target", "systemd-sandbox", UUID.randomUUID().toString())
                .toAbsolutePath());
        Path setuidId = Files.copy(Path.of("/usr/bin/id"), bin.resolve("id"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(new ProcessBuilder("chmod", "4755", setuidId.toString()).inheritIO().start().waitFor()).isZero();
        String probe = "runway-host-probe-" + UUID.randomUUID();
        harness.systemd.run("touch", "/tmp/" + probe);
        // a directory under /usr the task user owns: only ProtectSystem keeps the job from writing it
        String usr = "/usr/local/runway-sandbox-" + UUID.randomUUID();
        harness.systemd.run("install", "-d", "-o", "nobody", usr);
        try {
            JobStatus job = harness.submit("sandboxed", "touch " + usr + "/probe 2>/dev/null && echo usr=writable"
                    + " || echo usr=read-only\n"
                    + "test -e /tmp/" + probe + " && echo tmp=shared || echo tmp=own\n"
                    + "echo \"setuid-euid=$(" + setuidId + " -u)\"\n"
                    + "stat -c 'directory=%a %U' \"$PWD\"\n"
                    // the agent and every process of another user (PID 1, root's) are not in the task's /proc
                    + "test -e /proc/1/status && echo pid1=visible || echo pid1=hidden\n");

            JobStatus done = harness.awaitFinal(job.id());

            assertThat(done.state()).as(harness.agentLog(agent)).isEqualTo(JobState.SUCCESS);
            assertThat(harness.output(job.id())).contains("usr=read-only", "setuid-euid=65534",
                    "directory=700 nobody", "pid1=hidden");
            // a private /tmp would hide a checkout (working directories, the image) that lies under /tmp: the
            // launcher then keeps the shared one and says so
            Path checkout = Path.of("").toAbsolutePath().normalize();
            if (checkout.startsWith("/tmp") || checkout.startsWith("/var/tmp")) {
                assertThat(harness.output(job.id())).contains("tmp=shared");
                assertThat(harness.agentLog(agent)).contains("task units keep the shared /tmp");
            } else {
                assertThat(harness.output(job.id())).contains("tmp=own");
            }
        } finally {
            harness.systemd.run("rm", "-rf", "--", usr);
        }
    }
}
