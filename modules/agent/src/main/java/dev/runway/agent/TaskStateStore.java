package dev.runway.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runway.protocol.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One small file per running task ({@code <launch id>.json}: task id, task token, working directory), readable only
 * by the agent's user (0600, in a 0700 directory), so that an agent restarted after a crash can report the tasks it
 * lost with their own tokens. Deleted when the task ends.
 */
public final class TaskStateStore {
    private static final Logger LOG = LoggerFactory.getLogger(TaskStateStore.class);
    private static final FileAttribute<?> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** What is kept about a running task. */
    public record TaskState(String launchId, String taskId, String taskToken, String workingDirectory,
            String startedAt) {
        @Override
        public String toString() {
            return "TaskState[launchId=" + launchId + ", taskId=" + taskId + ", taskToken=********, workingDirectory="
                    + workingDirectory + ", startedAt=" + startedAt + "]";
        }
    }

    private final Path directory;

    public TaskStateStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** Creates the directory (0700) when missing. */
    public void open() throws IOException {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, OWNER_ONLY_DIR);
            } catch (FileAlreadyExistsException raced) {
                // Another agent created it meanwhile: fine.
            }
        }
    }

    public void save(TaskState state) throws IOException {
        Path target = fileOf(state.launchId());
        Path temporary = directory.resolve("." + state.launchId() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, OWNER_ONLY_FILE);
        Files.write(temporary, Json.write(state));
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public Optional<TaskState> find(String launchId) {
        Path file = fileOf(launchId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readAllBytes(file), TaskState.class));
        } catch (IOException e) {
            LOG.warn("unreadable task state {}: {}", file, describe(e));
            return Optional.empty();
        }
    }

    /** Every saved state (tasks that were running when an earlier agent stopped). Unreadable files are skipped. */
    public List<TaskState> all() throws IOException {
        List<TaskState> states = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return states;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                find(name.substring(0, name.length() - ".json".length())).ifPresent(states::add);
            }
        }
        return states;
    }

    public void delete(String launchId) {
        try {
            Files.deleteIfExists(fileOf(launchId));
        } catch (IOException e) {
            LOG.warn("could not delete task state {}: {}", fileOf(launchId), e.getMessage());
        }
    }

    private Path fileOf(String launchId) {
        if (!launchId.matches("[A-Za-z0-9._-]+") || launchId.startsWith(".")) {
            throw new IllegalArgumentException("not a launch id: " + launchId);
        }
        return directory.resolve(launchId + ".json");
    }

    private static String describe(IOException e) {
        // Jackson's messages quote the input, which holds a token: keep only the kind of problem.
        return e instanceof JsonProcessingException ? "not valid JSON" : e.getMessage();
    }
}
