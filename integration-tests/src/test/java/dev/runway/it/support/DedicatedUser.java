package dev.runway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A system user made for one test (no home, no shell) and deleted after it: a task user nothing else on the machine
 * runs as, so that a launcher may kill every process it has. Needs root and useradd; the test is skipped otherwise.
 */
public final class DedicatedUser implements AutoCloseable {
    private final String name;
    private final long uid;

    private DedicatedUser(String name, long uid) {
        this.name = name;
        this.uid = uid;
    }

    /** Creates the user; skips the test where it cannot be made or cannot run {@code executable}. */
    public static DedicatedUser create(Path executable) throws IOException, InterruptedException {
        return create(executable, "rwit-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** {@link #create(Path)} with the user's name. */
    public static DedicatedUser create(Path executable, String name) throws IOException, InterruptedException {
        Assumptions.assumeTrue("0".equals(run("id", "-u").strip()), "needs root to create a user");
        String made = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
        String uid = run("id", "-u", "--", name).strip();
        Assumptions.assumeTrue(uid.matches("[0-9]+"), "useradd " + name + ": " + made);
        DedicatedUser user = new DedicatedUser(name, Long.parseLong(uid));
        if (!user.canRun(executable)) {
            user.close();
            Assumptions.abort("a task user cannot run " + executable + " from this checkout");
        }
        return user;
    }

    private boolean canRun(Path executable) throws IOException, InterruptedException {
        Process test = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--",
                "test", "-x", executable.toString()).inheritIO().start();
        return test.waitFor(10, TimeUnit.SECONDS) && test.exitValue() == 0;
    }

    public String name() {
        return name;
    }

    public long uid() {
        return uid;
    }

    /** The user's live processes. */
    public List<ProcessHandle> processes() {
        return ProcessHandle.allProcesses().filter(p -> p.info().user().map(name::equals).orElse(false)).toList();
    }

    /** Kills what the user still runs (a failed test's leftovers), then deletes the user. */
    @Override
    public void close() {
        try {
            processes().forEach(ProcessHandle::destroyForcibly);
            run("userdel", name);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("userdel " + name + ": " + e, e);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}
