package dev.runway.cli.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A launch-agent configuration made from a token file and defaults. The token is read from the file when the
 * content is needed and goes only into the written config, never into output or error text.
 */
public final class GeneratedConfig {
    private final Path tokenFile;
    private final String apiUrl;
    private final String runnerName;
    private final String workingDirectory;
    private final String taskUser;
    private final String logFile;
    private final int maxConcurrentTasks;

    /**
     * @param apiUrl  may be null: the agent's default
     * @param logFile "-" for stderr (journald under systemd) or a file
     */
    public GeneratedConfig(Path tokenFile, String apiUrl, String runnerName, String workingDirectory, String taskUser,
            String logFile) {
        this(tokenFile, apiUrl, runnerName, workingDirectory, taskUser, logFile, 1);
    }

    /** {@code maxConcurrentTasks} above 1 is written as runner.max_concurrent_tasks (one slot per job user). */
    public GeneratedConfig(Path tokenFile, String apiUrl, String runnerName, String workingDirectory, String taskUser,
            String logFile, int maxConcurrentTasks) {
        this.maxConcurrentTasks = maxConcurrentTasks;
        this.tokenFile = tokenFile;
        this.apiUrl = apiUrl;
        this.runnerName = runnerName;
        this.workingDirectory = workingDirectory;
        this.taskUser = taskUser;
        this.logFile = logFile;
    }

    public byte[] render() throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("# Written by `runway install` from ").append(tokenFile.getFileName())
                .append(" and defaults. Keys: docs/install.md and config-samples/.\n");
        yaml.append("api:\n");
        yaml.append("  auth_token: ").append(quote(readToken())).append('\n');
        if (apiUrl != null) {
            yaml.append("  url: ").append(quote(apiUrl)).append('\n');
        }
        yaml.append("runner:\n");
        yaml.append("  name: ").append(quote(runnerName)).append('\n');
        yaml.append("  working_directory: ").append(quote(workingDirectory)).append('\n');
        yaml.append("  cleanup_working_directory: true\n");
        if (taskUser != null) {
            yaml.append("  task_user: ").append(quote(taskUser)).append('\n');
        }
        if (maxConcurrentTasks > 1) {
            yaml.append("  max_concurrent_tasks: ").append(maxConcurrentTasks).append('\n');
        }
        yaml.append("logging:\n");
        yaml.append("  file: ").append(quote(logFile)).append('\n');
        return yaml.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The token: the file's content without surrounding whitespace; errors name the file, never the content. */
    String readToken() throws IOException {
        String token;
        try {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException("token file " + tokenFile + " is not text (UTF-8)");
        }
        if (token.isEmpty()) {
            throw new IOException("token file " + tokenFile + " is empty");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
                throw new IOException("token file " + tokenFile
                        + " must hold one token on one line (it contains whitespace, a quote or a control character)");
            }
        }
        return token;
    }

    /** A YAML double-quoted scalar. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < ' ') {
                quoted.append(String.format("\\x%02x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
