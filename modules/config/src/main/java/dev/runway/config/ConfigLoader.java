package dev.runway.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads launch-agent-config.yaml and the environment into a validated {@link LaunchAgentConfig}.
 *
 * <p>Precedence, highest first: LAUNCH_AGENT_* variables, CIRCLECI_RUNNER_* variables, CIRCLECI_API_TOKEN, the file,
 * the defaults. Every problem is reported at once, each naming file, line, column and key; no message ever holds
 * the token.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Reads the file (may be null: environment only, as the Docker image does) and applies environment overrides. */
    public static LoadedConfig load(Path fileOrNull, Map<String, String> environment) throws ConfigException {
        return load(fileOrNull, environment, false);
    }

    /**
     * As {@link #load(Path, Map)}; with {@code strictPermissions} a config file that others may read (while it holds
     * the token) or write, or that root does not own while the agent runs as root, is an error rather than a warning,
     * and so is an {@code api.url} of plain http:// to a host that is not loopback.
     */
    public static LoadedConfig load(Path fileOrNull, Map<String, String> environment, boolean strictPermissions)
            throws ConfigException {
        Objects.requireNonNull(environment, "environment");
        if (fileOrNull == null) {
            return parse(null, null, environment, HostName::get, null, strictPermissions);
        }
        String file = fileOrNull.toString();
        byte[] content = read(fileOrNull, file);
        PermissionCheck check = holdsToken -> {
            List<String> issues = FilePermissions.check(fileOrNull, holdsToken, FilePermissions.runningAsRoot());
            return new PermissionResult(issues, strictPermissions);
        };
        return parse(file, content, environment, HostName::get, check, strictPermissions);
    }

    /** Parses configuration text, as if read from {@code fileName}; no file-system access. For tests and tools. */
    static LoadedConfig parse(String fileName, byte[] content, Map<String, String> environment,
            Supplier<String> hostName) throws ConfigException {
        return parse(fileName, content, environment, hostName, null, false);
    }

    private static LoadedConfig parse(String fileName, byte[] content, Map<String, String> environment,
            Supplier<String> hostName, PermissionCheck permissionCheck, boolean strict) throws ConfigException {
        Findings findings = new Findings();
        Redactor redactor = new Redactor();
        Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
        boolean fileUnreadable = false;
        if (content != null) {
            redactor.addTokensIn(content);
            YamlNode root = YamlReader.read(fileName, content, findings);
            // A syntax error, or a list or string where the mapping of keys should be.
            fileUnreadable = !(root instanceof YamlNode.Mapping || root instanceof YamlNode.Null);
            if (root != null) {
                values.putAll(FileSettings.read(fileName, root, findings));
            }
        }
        boolean fileHoldsToken = values.containsKey(Setting.API_AUTH_TOKEN);
        if (fileHoldsToken) {
            redactor.add(values.get(Setting.API_AUTH_TOKEN).text());
        }
        EnvironmentSettings.apply(environment, values, findings, redactor);
        if (permissionCheck != null) {
            PermissionResult result = permissionCheck.run(fileHoldsToken);
            for (String issue : result.issues()) {
                if (result.strict()) {
                    findings.error(fileName, 0, 0, "", issue);
                } else {
                    findings.warn(fileName, 0, 0, "", issue + " (an error with config validate --strict)");
                }
            }
        }
        if (fileUnreadable) {
            // Checking values now would report settings missing that are only hidden by the syntax error.
            throw new ConfigException(findings.errors(redactor));
        }
        String defaultFile = fileName == null ? Problem.ENVIRONMENT : fileName;
        LaunchAgentConfig config = new ConfigBinder(values, defaultFile, findings, hostName, strict).bind();
        if (findings.hasErrors() || config == null) {
            throw new ConfigException(findings.errors(redactor));
        }
        return new LoadedConfig(config, findings.warnings(redactor));
    }

    private static byte[] read(Path path, String file) throws ConfigException {
        try {
            if (Files.isDirectory(path)) {
                throw failure(file, "is a directory; give the path of launch-agent-config.yaml");
            }
            if (Files.size(path) > YamlReader.MAX_BYTES) {
                throw failure(file, "is larger than " + YamlReader.MAX_BYTES + " bytes; this is not a "
                        + "launch-agent configuration");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw failure(file, "does not exist");
        } catch (AccessDeniedException e) {
            throw failure(file, "cannot be read: permission denied (the agent usually runs as root)");
        } catch (IOException e) {
            throw failure(file, "cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private static ConfigException failure(String file, String message) {
        return new ConfigException(List.of(new Problem(file, 0, 0, "", message)));
    }

    /** Checks the file's permissions once it is known whether the file holds the token. */
    private interface PermissionCheck {
        PermissionResult run(boolean holdsToken);
    }

    private record PermissionResult(List<String> issues, boolean strict) {}
}
