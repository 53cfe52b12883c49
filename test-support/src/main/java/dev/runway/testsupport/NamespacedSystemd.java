package dev.runway.testsupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A real systemd booted as PID 1 of its own PID + mount namespace (docs/architecture.md, "Real systemd in tests"), for
 * tests that need systemd. The boot script beside this class mounts private tmpfs on /tmp, /run and /var/tmp before
 * anything else.
 * Before {@code unshare} the boot shell enters a fresh cgroup of its own in every hierarchy, and the boot script binds
 * those over the cgroup mount points: systemd manages that subtree only (its /system.slice is not the host's), so
 * concurrent instances stay apart, and the whole subtree is removed afterwards.
 *
 * <pre>
 * static NamespacedSystemd systemd;
 * &#64;BeforeAll static void boot() throws Exception { systemd = NamespacedSystemd.boot(); }   // skips without root
 * &#64;AfterAll static void shutDown() { if (systemd != null) systemd.close(); }                // SIGKILL to its PID 1
 * </pre>
 *
 * Units run inside the namespace, where /tmp is the private tmpfs: put their scripts and work dirs under target/.
 */
public final class NamespacedSystemd implements AutoCloseable {
    private static final Path SYSTEMD = Path.of("/lib/systemd/systemd");
    private static final long BOOT_TIMEOUT_SECONDS = 60;

    private final Process unshare;
    private final long pid;
    private final List<Path> cgroups;
    private final Path bootLog;

    private NamespacedSystemd(Process unshare, long pid, List<Path> cgroups, Path bootLog) {
        this.unshare = unshare;
        this.pid = pid;
        this.cgroups = cgroups;
        this.bootLog = bootLog;
    }

    /** Boots systemd and waits until it has finished booting; skips the test where that cannot work here. */
    public static NamespacedSystemd boot() throws IOException, InterruptedException {
        assumeAvailable();
        String name = "runway-systemd-" + UUID.randomUUID().toString().substring(0, 8);
        Path work = Files.createDirectories(Path.of("target", "namespaced-systemd").toAbsolutePath());
        Path script = work.resolve(name + ".sh"); // one per instance: a shell reads its script as it goes
        try (var in = NamespacedSystemd.class.getResourceAsStream("boot-systemd.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Path bootLog = work.resolve(name + ".log");
        List<Path> cgroups = OwnCgroup.create(name);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "for procs; do echo $$ > \"$procs\" || echo \"cannot enter $procs\" >&2; done; "
                        + "exec unshare --pid --fork --mount --uts --cgroup -- /bin/sh \"$RUNWAY_BOOT_SCRIPT\"",
                "enter-cgroups"));
        cgroups.forEach(cgroup -> command.add(cgroup.resolve("cgroup.procs").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(bootLog.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("RUNWAY_BOOT_SCRIPT", script.toString());
        builder.environment().put("RUNWAY_CHECKOUT", checkout().toString()); // kept visible inside, should it lie under /tmp
        builder.environment().put("RUNWAY_CGROUPS",
                cgroups.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(" ")));
        Process unshare = builder.start();
        NamespacedSystemd systemd = null;
        try {
            long pid = awaitSystemdPid(unshare, bootLog);
            systemd = new NamespacedSystemd(unshare, pid, cgroups, bootLog);
            systemd.awaitBooted();
            return systemd;
        } catch (IOException | RuntimeException | Error e) {
            if (systemd != null) {
                systemd.close();
            } else {
                unshare.destroyForcibly();
                unshare.waitFor(10, TimeUnit.SECONDS);
                OwnCgroup.remove(cgroups);
            }
            throw e;
        }
    }

    /** Skips (with the reason) where a namespaced systemd cannot boot: not root, no unshare, no systemd or dbus. */
    public static void assumeAvailable() {
        Optional<String> reason = unavailableReason();
        assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    }

    /** Why a namespaced systemd cannot boot here, or empty when it can. */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.of("namespaced systemd needs Linux");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("namespaced systemd needs root (unshare, mount)");
        }
        if (!onPath("unshare") || !onPath("nsenter")) {
            return Optional.of("namespaced systemd needs unshare and nsenter (util-linux)");
        }
        if (!Files.isExecutable(SYSTEMD)) {
            return Optional.of("namespaced systemd needs " + SYSTEMD);
        }
        if (!onPath("dbus-daemon")) {
            return Optional.of("namespaced systemd needs dbus-daemon for the system bus");
        }
        return Optional.empty();
    }

    /**
     * The checkout the tests run from: {@code runway.repo} when the build sets it, else the nearest folder above the
     * working directory that holds the Maven wrapper (the checkout's root).
     */
    static Path checkout() {
        String property = System.getProperty("runway.repo");
        if (property != null) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        return cwd;
    }

    /** The systemd's pid on the host (PID 1 inside its namespace). */
    public long pid() {
        return pid;
    }

    /** The D-Bus address of its system bus, as seen from the host. */
    public String busAddress() {
        return "unix:path=" + busSocket();
    }

    /** The argv that runs {@code command} inside the namespace (nsenter into its mount and PID namespaces). */
    public List<String> inside(String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "-p", "--"));
        argv.addAll(List.of(command));
        return argv;
    }

    /** Like {@link #inside}, with a working directory (entering a mount namespace resets it to /). */
    public List<String> insideIn(Path dir, String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "-p",
                "--wd=" + dir.toAbsolutePath()));
        argv.add("--");
        argv.addAll(List.of(command));
        return argv;
    }

    /** Runs {@code command} inside the namespace (nsenter -m -p) and returns its output, whatever its exit code. */
    public String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(inside(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** The host pid of a process this systemd reports as {@code namespacePid}. */
    public Optional<Long> hostPid(long namespacePid) throws IOException {
        Path namespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid"));
        for (Path process : processes()) {
            try {
                if (!Files.readSymbolicLink(process.resolve("ns/pid")).equals(namespace)) {
                    continue;
                }
                for (String line : Files.readAllLines(process.resolve("status"))) {
                    String[] fields = line.split("\\s+");
                    if (fields[0].equals("NSpid:") && fields.length == 3
                            && fields[2].equals(Long.toString(namespacePid))) {
                        return Optional.of(Long.parseLong(fields[1]));
                    }
                }
            } catch (IOException processEnded) {
                // gone while we looked
            }
        }
        return Optional.empty();
    }

    /** Host pids of the processes whose cgroup (any hierarchy) ends with {@code /<unit>}. */
    public static List<Long> processesOfUnit(String unit) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (Path process : processes()) {
            try {
                if (Files.readAllLines(process.resolve("cgroup")).stream().anyMatch(l -> l.endsWith("/" + unit))) {
                    pids.add(Long.parseLong(process.getFileName().toString()));
                }
            } catch (IOException processEnded) {
                // gone while we looked
            }
        }
        return pids;
    }

    private static List<Path> processes() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        }
    }

    @Override
    public String toString() {
        return "systemd pid " + pid + " in cgroups " + cgroups;
    }

    /** The unit's cgroup directory on the host (in the first hierarchy that has it), while the unit exists. */
    public Optional<Path> unitCgroup(String unit) {
        return cgroups.stream().map(cgroup -> cgroup.resolve("system.slice").resolve(unit))
                .filter(Files::isDirectory).findFirst();
    }

    /** SIGKILL to the namespace's PID 1: the kernel kills everything else inside; then its cgroups are removed. */
    @Override
    public void close() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        unshare.destroyForcibly();
        try {
            unshare.waitFor(30, TimeUnit.SECONDS);
            OwnCgroup.remove(cgroups);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path busSocket() {
        return Path.of("/proc", Long.toString(pid), "root", "run", "dbus", "system_bus_socket");
    }

    /** The namespace's PID 1 once it has exec'd systemd (first it is the boot script). */
    private static long awaitSystemdPid(Process unshare, Path bootLog) throws IOException {
        AtomicLong found = new AtomicLong();
        try {
            await("systemd started").atMost(Duration.ofSeconds(BOOT_TIMEOUT_SECONDS))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        if (!unshare.isAlive()) {
                            throw new IllegalStateException("systemd boot failed (exit " + unshare.exitValue()
                                    + "): " + Files.readString(bootLog));
                        }
                        Optional<ProcessHandle> child = unshare.children().findFirst();
                        if (child.isPresent() && isSystemd(child.get().pid())) {
                            found.set(child.get().pid());
                            return true;
                        }
                        return false;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("systemd did not start within " + BOOT_TIMEOUT_SECONDS + " s: "
                    + Files.readString(bootLog), e);
        }
        return found.get();
    }

    private static boolean isSystemd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).endsWith("systemd");
        } catch (IOException notYet) {
            return false; // exec in progress
        }
    }

    private void awaitBooted() throws IOException {
        AtomicReference<String> state = new AtomicReference<>("");
        try {
            await("systemd booted").atMost(Duration.ofSeconds(BOOT_TIMEOUT_SECONDS))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        state.set(run("systemctl", "is-system-running").strip());
                        return (state.get().equals("running") || state.get().equals("degraded"))
                                && Files.exists(busSocket());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("systemd (pid " + pid + ") did not finish booting within "
                    + BOOT_TIMEOUT_SECONDS + " s (state: " + state + "): " + Files.readString(bootLog), e);
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** A cgroup named like the instance under the test JVM's own cgroup, in every mounted hierarchy. */
    private static final class OwnCgroup {
        private OwnCgroup() {}

        static List<Path> create(String name) throws IOException {
            List<Path> created = new ArrayList<>();
            for (Path hierarchy : CgroupHierarchies.ofThisProcess()) {
                Path cgroup = hierarchy.resolve(name);
                try {
                    Files.createDirectory(cgroup);
                    created.add(cgroup);
                    inheritCpuset(hierarchy, cgroup);
                } catch (IOException e) {
                    System.err.println("NamespacedSystemd: cannot create cgroup " + cgroup + ": " + e);
                }
            }
            return created;
        }

        /** A new v1 cpuset cgroup has no CPUs and memory nodes, so nothing could enter it: copy the parent's. */
        private static void inheritCpuset(Path parent, Path cgroup) throws IOException {
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                if (Files.exists(parent.resolve(file)) && !Files.exists(parent.resolve("cgroup.subtree_control"))) {
                    Files.writeString(cgroup.resolve(file), Files.readString(parent.resolve(file)).strip());
                }
            }
        }

        /** Removes the cgroups bottom-up; retries while the killed processes are still leaving them. */
        static void remove(List<Path> cgroups) {
            try {
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                        .until(() -> cgroups.stream().map(OwnCgroup::removeTree).reduce(true, Boolean::logicalAnd));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.err.println("NamespacedSystemd: some cgroups could not be removed: " + cgroups);
            }
        }

        private static boolean removeTree(Path cgroup) {
            if (!Files.isDirectory(cgroup)) {
                return true;
            }
            try (Stream<Path> tree = Files.walk(cgroup)) {
                // cgroupfs: only directories can be removed (their control files go with them), deepest first.
                tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(dir -> {
                    try {
                        Files.delete(dir);
                    } catch (IOException busy) {
                        // still has processes; next attempt
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                return false;
            }
            return !Files.exists(cgroup);
        }
    }
}
