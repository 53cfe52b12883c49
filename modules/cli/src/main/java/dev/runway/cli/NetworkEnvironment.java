package dev.runway.cli;

import dev.runway.client.ProxySettings;
import dev.runway.client.TlsTrust;
import dev.runway.config.ConfigException;
import dev.runway.config.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The environment variables that decide how the agents reach the server (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, and for
 * an https server SSL_CERT_FILE and SSL_CERT_DIR), checked the way the configuration is: each mistake a problem of
 * "environment", named by its variable, never quoting credentials.
 */
final class NetworkEnvironment {
    private NetworkEnvironment() {}

    /** Throws a ConfigException with every problem these variables have for a server at {@code apiUrl}. */
    static void check(Map<String, String> environment, String apiUrl) throws ConfigException {
        List<Problem> problems = problems(environment, apiUrl);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static List<Problem> problems(Map<String, String> environment, String apiUrl) {
        List<Problem> problems = new ArrayList<>();
        try {
            ProxySettings.fromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(Problem.ENVIRONMENT, 0, 0, null, e.getMessage()));
        }
        if (apiUrl != null && apiUrl.regionMatches(true, 0, "https:", 0, 6)) {
            try {
                TlsTrust.fromEnvironment(environment).check();
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(Problem.ENVIRONMENT, 0, 0, null, e.getMessage()));
            }
        }
        return problems;
    }
}
