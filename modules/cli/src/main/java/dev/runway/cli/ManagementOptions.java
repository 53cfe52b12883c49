package dev.runway.cli;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where the management commands find the server and the admin token, first match wins:
 * host: {@code --host}, {@code RUNWAY_HOST}, {@code host:} of the CLI config, http://127.0.0.1:7733;
 * token: {@code --token}, {@code CIRCLE_TOKEN}, {@code token:} of the CLI config (which must be mode 600), the local
 * server's admin-token file when this user can read it.
 */
final class ManagementOptions {
    static final String DEFAULT_HOST = "http://127.0.0.1:7733";

    @Option(names = "--host", paramLabel = "URL", description = "Server URL (else RUNWAY_HOST, the CLI config, "
            + DEFAULT_HOST + ").")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Admin token (else CIRCLE_TOKEN, the CLI config ~/.config/runway/cli.yaml, the local "
                    + "server's admin-token file). Prefer those: arguments are visible in ps.")
    String token;

    /** What the resolution found: the URL and the token (never printed). */
    record Target(URI host, String token) {
        @Override
        public String toString() {
            return "Target[" + host + "]";
        }
    }

    ManagementClient client(Map<String, String> environment) {
        Target target = target(environment);
        return new ManagementClient(new HttpTransport(target.host(), Duration.ofSeconds(30)), target.token());
    }

    /** Projects and pipelines; a trigger fetches the repository first, so its answer may take a while. */
    PipelinesClient pipelines(Map<String, String> environment) {
        Target target = target(environment);
        return new PipelinesClient(new HttpTransport(target.host(), Duration.ofMinutes(5)), target.token());
    }

    Target target(Map<String, String> environment) {
        return resolve(environment, CliConfig.defaultPath(environment),
                ServerCommand.defaultDataDir(environment).resolve("admin-token"));
    }

    Target resolve(Map<String, String> environment, Path configFile, Path localAdminToken) {
        String url = first(host, environment.get("RUNWAY_HOST"));
        String secret = first(token, environment.get("CIRCLE_TOKEN"));
        if (url == null || secret == null) {
            CliConfig config = CliConfig.load(configFile);
            url = first(url, config.host(), DEFAULT_HOST);
            secret = first(secret, config.token(), readable(localAdminToken));
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--host: \"" + url + "\" is not a URL", e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--host: \"" + url + "\" is not an http(s) URL");
        }
        if (secret == null) {
            throw new IllegalArgumentException("no admin token: set CIRCLE_TOKEN, put \"token: ...\" in "
                    + configFile + " (mode 600) or pass --token; the server keeps it in DATA/admin-token");
        }
        return new Target(uri, secret.strip());
    }

    private static String readable(Path file) {
        try {
            if (Files.isReadable(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
                return text.isEmpty() ? null : text;
            }
        } catch (IOException e) {
            // not ours to read
        }
        return null;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** The CLI's own config: {@code host:} and {@code token:}; with a token it must not be readable by others. */
    record CliConfig(String host, String token) {
        static Path defaultPath(Map<String, String> environment) {
            String xdg = environment.get("XDG_CONFIG_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".config");
            return base.resolve("runway").resolve("cli.yaml");
        }

        static CliConfig load(Path file) {
            if (!Files.exists(file)) {
                return new CliConfig(null, null);
            }
            Map<?, ?> values;
            try {
                Object tree = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(file.toFile(),
                        Object.class);
                values = tree == null ? Map.of() : (Map<?, ?>) tree;
            } catch (IOException | ClassCastException e) {
                throw new IllegalArgumentException(file + ": not a YAML mapping of host and token ("
                        + e.getMessage().lines().findFirst().orElse("") + ")", e);
            }
            for (Object key : values.keySet()) {
                if (!"host".equals(key) && !"token".equals(key)) {
                    throw new IllegalArgumentException(file + ": unknown key \"" + key + "\" (known: host, token)");
                }
            }
            String token = values.get("token") == null ? null : values.get("token").toString();
            if (token != null) {
                requireOwnerOnly(file);
            }
            return new CliConfig(values.get("host") == null ? null : values.get("host").toString(), token);
        }

        private static void requireOwnerOnly(Path file) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.contains(PosixFilePermission.GROUP_READ)
                        || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                    throw new IllegalArgumentException(file + " holds a token but others can read it: chmod 600 "
                            + file);
                }
            } catch (UnsupportedOperationException | IOException e) {
                // not a POSIX file system: nothing to check
            }
        }
    }
}
