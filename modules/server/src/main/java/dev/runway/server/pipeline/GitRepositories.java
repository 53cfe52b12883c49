package dev.runway.server.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own bare mirror of each project's repository ({@code DIR/<project-id>.git}), kept with the git CLI:
 * a trigger fetches the branches and tags, resolves the branch or tag to a commit and reads the config of that commit
 * from the object database. Nothing here reads a working tree, so no job can change what the server reads.
 * Every name reaching git's command line was checked by {@code GitRefs} first, and comes after the option list.
 */
public final class GitRepositories {
    private static final long TIMEOUT_SECONDS = 300;
    /** The most files and commit messages kept in memory, and the largest file kept (a config is a few KiB). */
    static final int CACHED_ENTRIES = 64;
    static final int CACHED_FILE_BYTES = 256 * 1024;
    /** A full object id (SHA-1 or SHA-256): what it names never changes. */
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    /** How many fetches of a mirror go by between two runs of git's housekeeping ({@link #fetch}). */
    static final int FETCHES_PER_HOUSEKEEPING = 16;
    /** One thread for every mirror's housekeeping: it never holds up a trigger, and never runs twice at once. */
    private static final ExecutorService HOUSEKEEPING = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "git-housekeeping");
        thread.setDaemon(true);
        return thread;
    });
    private static final Logger LOG = LoggerFactory.getLogger(GitRepositories.class);
    /** The cached value of an object id that git answered as a commit ({@link #resolve}). */
    private static final byte[] KNOWN_COMMIT = new byte[0];
    private final Path directory;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Integer> fetchesSinceHousekeeping = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> lastHousekeeping = CompletableFuture.completedFuture(null);
    /**
     * Files and commit messages of commits named by their full id, which never change: a trigger of a commit read
     * before (a rerun, a schedule, another branch at the same commit) reads its config and message without starting
     * git. A file the commit lacks is not kept: that answer also comes when the mirror is not fetched yet.
     */
    private final Map<String, byte[]> immutable = new LinkedHashMap<>(CACHED_ENTRIES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CACHED_ENTRIES;
        }
    };
    /** How many times git ran (tests read it to see what the cache spared). */
    private final AtomicLong gitRuns = new AtomicLong();

    public GitRepositories(Path directory) {
        this.directory = directory;
    }

    /** A git failure a person can act on: the command's purpose and git's own message. */
    public static final class GitException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GitException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Brings the project's mirror up to date with {@code url} (every branch and tag). git's own housekeeping after a
     * fetch (auto gc, auto maintenance: one more git process each time) is left out of it, which every trigger waits
     * for; the mirror gets it on a thread of its own every {@link #FETCHES_PER_HOUSEKEEPING} fetches instead.
     */
    public void fetch(String projectId, String url) {
        synchronized (lock(projectId)) {
            Path mirror = mirror(projectId);
            if (!Files.isDirectory(mirror.resolve("objects"))) {
                run(null, "cannot create the mirror of " + url, "init", "--bare", "-q", mirror.toString());
            }
            // -c settings an older git does not know are ignored (an unknown option would fail the fetch)
            run(mirror, "cannot fetch " + url, "-c", "gc.auto=0", "-c", "maintenance.auto=false", "fetch", "--force",
                    "--prune", "--no-tags", "--", url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*",
                    // a pull request's head, from a fork too (GitHub, GitLab): a PR pipeline's revision is here
                    "+refs/pull/*/head:refs/pull/*/head", "+refs/merge-requests/*/head:refs/merge-requests/*/head");
        }
        if (fetchesSinceHousekeeping.merge(projectId, 1, Integer::sum) >= FETCHES_PER_HOUSEKEEPING) {
            fetchesSinceHousekeeping.remove(projectId);
            lastHousekeeping = CompletableFuture.runAsync(() -> housekeep(projectId), HOUSEKEEPING);
        }
    }

    /** {@code git gc --auto} of the mirror (it does nothing until loose objects or packs pile up). */
    private void housekeep(String projectId) {
        synchronized (lock(projectId)) {
            Path mirror = mirror(projectId);
            if (Files.isDirectory(mirror.resolve("objects"))) {
                Result result = exec(mirror, List.of("gc", "--auto", "--quiet"));
                if (result.exit() != 0) {
                    LOG.warn("git gc of the mirror of project {} failed: {}", projectId,
                            failure("gc", result).getMessage());
                }
            }
        }
    }

    /** The housekeeping started last (done at once when none was). */
    CompletableFuture<Void> lastHousekeeping() {
        return lastHousekeeping;
    }

    private Object lock(String projectId) {
        return locks.computeIfAbsent(projectId, id -> new Object());
    }

    /**
     * The head commits of {@code branches} at {@code url} ({@code git ls-remote}: no fetch, so a poll that finds
     * nothing new costs one round trip); a branch the remote does not have is absent from the answer.
     */
    public Map<String, String> remoteHeads(String url, List<String> branches) {
        List<String> args = new ArrayList<>(List.of("ls-remote", "--heads", "--", url));
        branches.forEach(branch -> args.add("refs/heads/" + branch));
        Result result = exec(null, args);
        if (result.exit() != 0) {
            throw failure("cannot list the branches of " + url, result);
        }
        Map<String, String> heads = new java.util.LinkedHashMap<>();
        for (String line : result.text().split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.startsWith("refs/heads/", tab + 1)) {
                heads.put(line.substring(tab + 1 + "refs/heads/".length()), line.substring(0, tab));
            }
        }
        return heads;
    }

    /**
     * The commit that a branch, tag (full ref name {@code refs/heads/...}, {@code refs/tags/...}) or id names. A ref
     * whose object git already answered as a commit is read from the mirror's ref files without starting
     * git ({@link MirrorRefs}): what an object id names never changes, and every trigger of a branch that did not move
     * asks this again right after its fetch. Anything else is git's {@code rev-parse}.
     */
    public String resolve(String projectId, String ref) {
        if (!OBJECT_ID.matcher(ref).matches()) {
            // only through a ref of the mirror: a ref keeps its commit reachable, a bare id may have been pruned
            // since (a force-push, then gc) or its mirror removed
            String id;
            synchronized (lock(projectId)) { // no fetch or housekeeping of this server rewrites the refs meanwhile
                id = MirrorRefs.read(mirror(projectId), ref);
            }
            if (id != null && cached(commitKey(projectId, id)) != null) {
                return id;
            }
        }
        Result result = exec(mirror(projectId), List.of("rev-parse", "--verify", "--quiet", "--end-of-options",
                ref + "^{commit}"));
        if (result.exit() != 0) {
            return null;
        }
        String commit = result.text().strip();
        if (OBJECT_ID.matcher(commit).matches()) {
            remember(commitKey(projectId, commit), KNOWN_COMMIT);
        }
        return commit;
    }

    private static String commitKey(String projectId, String id) {
        return projectId + "\0" + id + "\0commit";
    }

    /** A file's bytes at a commit, or null when the commit has no such file. */
    public byte[] read(String projectId, String commit, String path) {
        String key = OBJECT_ID.matcher(commit).matches() ? projectId + "\0" + commit + "\0file\0" + path : null;
        byte[] cached = cached(key);
        if (cached != null) {
            return cached.clone();
        }
        Result result = exec(mirror(projectId), List.of("cat-file", "blob", commit + ":" + path));
        if (result.exit() != 0) {
            return null;
        }
        if (result.out().length <= CACHED_FILE_BYTES) {
            remember(key, result.out().clone());
        }
        return result.out();
    }

    /** The commit's subject and body (for {@code vcs.commit}). */
    public String[] message(String projectId, String commit) {
        String key = OBJECT_ID.matcher(commit).matches() ? projectId + "\0" + commit + "\0message" : null;
        byte[] cached = cached(key);
        String text;
        if (cached != null) {
            text = new String(cached, StandardCharsets.UTF_8);
        } else {
            Result result = exec(mirror(projectId), List.of("log", "-1", "--format=%s%n%b", commit, "--"));
            if (result.exit() != 0) {
                return new String[] {null, null};
            }
            if (result.out().length <= CACHED_FILE_BYTES) {
                remember(key, result.out());
            }
            text = result.text();
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? new String[] {text.strip(), ""}
                : new String[] {text.substring(0, newline), text.substring(newline + 1).strip()};
    }

    private byte[] cached(String key) {
        if (key == null) {
            return null;
        }
        synchronized (immutable) {
            return immutable.get(key);
        }
    }

    private void remember(String key, byte[] value) {
        if (key != null) {
            synchronized (immutable) {
                immutable.put(key, value);
            }
        }
    }

    /** How many git commands ran so far. */
    long gitRuns() {
        return gitRuns.get();
    }

    /** Removes a deleted project's mirror. */
    public void remove(String projectId) {
        synchronized (immutable) {
            immutable.keySet().removeIf(key -> key.startsWith(projectId + "\0"));
        }
        fetchesSinceHousekeeping.remove(projectId);
        Path mirror = mirror(projectId);
        if (Files.exists(mirror)) {
            try (var walk = Files.walk(mirror)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + mirror, e);
            }
        }
    }

    /** The project's bare mirror, which the checkout of its pipelines' jobs reads (it may not exist yet). */
    public Path mirrorDirectory(String projectId) {
        return mirror(projectId);
    }

    private Path mirror(String projectId) {
        return directory.resolve(projectId + ".git");
    }

    private void run(Path gitDir, String purpose, String... args) {
        Result result = exec(gitDir, List.of(args));
        if (result.exit() != 0) {
            throw failure(purpose, result);
        }
    }

    /** The purpose and the last line git wrote to its error output. */
    private static GitException failure(String purpose, Result result) {
        String message = new String(result.err(), StandardCharsets.UTF_8).strip();
        return new GitException(purpose + ": " + (message.isEmpty() ? "git exited with " + result.exit()
                : message.lines().reduce((a, b) -> b).orElse(message)));
    }

    private record Result(int exit, byte[] out, byte[] err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private Result exec(Path gitDir, List<String> args) {
        gitRuns.incrementAndGet();
        List<String> command = new ArrayList<>();
        command.add("git");
        if (gitDir != null) {
            command.add("--git-dir=" + gitDir);
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // never ask for a password on a terminal the server does not have; no user or system config changes this
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("LC_ALL", "C");
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new GitException("git " + args.get(0) + " took longer than " + TIMEOUT_SECONDS + "s");
            }
            return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new GitException("cannot run git (is it installed and on PATH?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while git ran");
        } catch (ExecutionException | TimeoutException e) {
            throw new GitException("cannot read git's output: " + e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in; ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
                in.transferTo(bytes);
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
