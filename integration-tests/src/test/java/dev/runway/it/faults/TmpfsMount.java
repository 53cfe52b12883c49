package dev.runway.it.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a directory under target/ (never anywhere else), to fill up on purpose: {@link #fill()}
 * writes a filler file until the file system refuses (ENOSPC), {@link #free()} removes it. Unmounted at close.
 */
final class TmpfsMount implements AutoCloseable {
    private static final String FILLER = ".runway-faults-filler";
    private final Path directory;

    private TmpfsMount(Path directory) {
        this.directory = directory;
    }

    /** Why a tmpfs cannot be mounted here, or empty when it can. */
    static Optional<String> unavailable(Path scratch) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("mounting a tmpfs needs root (running as " + System.getProperty("user.name") + ")");
        }
        Path probe = scratch.resolve("tmpfs-probe-" + UUID.randomUUID().toString().substring(0, 6));
        try {
            new TmpfsMount(probe).mount("64k").close();
            Files.deleteIfExists(probe);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot mount a tmpfs: " + e.getMessage());
        }
    }

    /** Mounts a tmpfs of {@code size} (e.g. "8m") on {@code directory} (created when missing). */
    static TmpfsMount mount(Path directory, String size) throws IOException {
        return new TmpfsMount(directory).mount(size);
    }

    private TmpfsMount mount(String size) throws IOException {
        Files.createDirectories(directory);
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", directory.toString());
        return this;
    }

    Path path() {
        return directory;
    }

    /** Writes until the file system is full; answers how many bytes the filler took. */
    long fill() throws IOException {
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(directory.resolve(FILLER))) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    void free() throws IOException {
        Files.deleteIfExists(directory.resolve(FILLER));
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", List.of(command)), e);
        }
    }

    /** Unmounts (lazily, should a process still hold a file there). */
    @Override
    public void close() throws IOException {
        run("umount", "-l", directory.toString());
    }
}
