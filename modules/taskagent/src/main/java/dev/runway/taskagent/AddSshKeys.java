package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.protocol.RunnerApi.SshKey;
import dev.runway.protocol.RunnerApi.SshKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code add_ssh_keys} step: fetches the project's keys of the step's fingerprints with the task token and writes
 * them, mode 0600, in a directory of the task's scratch directory (the job user's alone, removed at the task's end).
 * Later steps find them through {@code GIT_SSH_COMMAND} (git) and {@code RUNWAY_SSH_CONFIG} (an ssh config that
 * names them: {@code ssh -F "$RUNWAY_SSH_CONFIG" host}).
 */
final class AddSshKeys {
    private AddSshKeys() {}

    /** Writes the keys and sets the variables in {@code environment}; answers what the step prints. */
    static String run(TaskClient client, String fingerprints, Path scratch, Map<String, String> environment)
            throws ApiException, InterruptedException, IOException {
        List<String> wanted = fingerprints == null ? List.of() : Arrays.stream(fingerprints.split("\\s+"))
                .filter(text -> !text.isEmpty()).toList();
        SshKeys answer = client.sshKeys(wanted);
        List<SshKey> keys = answer.keys() == null ? List.of() : answer.keys();
        StringBuilder out = new StringBuilder();
        if (keys.isEmpty()) {
            return out.append(wanted.isEmpty() ? "The project has no SSH keys (runway project ssh-key add).\n"
                    : "No SSH key of the project has the fingerprint(s) " + String.join(", ", wanted) + ".\n")
                    .toString();
        }
        Path directory = scratch.resolve("ssh");
        if (!Files.isDirectory(directory)) {
            createPrivate(directory, true);
        }
        List<Path> files = new ArrayList<>();
        for (SshKey key : keys) {
            Path file = directory.resolve("id_" + UniqueNames.next());
            createPrivate(file, false);
            String text = key.privateKey().endsWith("\n") ? key.privateKey() : key.privateKey() + "\n";
            Files.writeString(file, text, StandardCharsets.UTF_8);
            files.add(file);
            out.append("Added SSH key ").append(key.fingerprint()).append('\n');
        }
        StringBuilder config = new StringBuilder("Host *\n  IdentitiesOnly no\n");
        StringBuilder command = new StringBuilder("ssh");
        for (Path file : files) {
            config.append("  IdentityFile \"").append(file).append("\"\n");
            command.append(" -i ").append(JobTools.quote(file.toString()));
        }
        Path configFile = directory.resolve("config");
        if (!Files.exists(configFile)) {
            createPrivate(configFile, false);
        }
        Files.writeString(configFile, config, StandardCharsets.UTF_8);
        environment.put("GIT_SSH_COMMAND", command.toString());
        environment.put("RUNWAY_SSH_CONFIG", configFile.toString());
        return out.append("git finds them through GIT_SSH_COMMAND; ssh through -F \"$RUNWAY_SSH_CONFIG\".\n")
                .toString();
    }

    private static void createPrivate(Path path, boolean directory) throws IOException {
        try {
            var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------"
                    : "rw-------"));
            if (directory) {
                Files.createDirectory(path, mode);
            } else {
                Files.createFile(path, mode);
            }
        } catch (UnsupportedOperationException e) {
            if (directory) {
                Files.createDirectory(path);
            } else {
                Files.createFile(path);
            }
        }
    }
}
