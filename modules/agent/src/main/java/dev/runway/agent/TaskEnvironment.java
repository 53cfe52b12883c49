package dev.runway.agent;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment a task agent starts with, and so every job's: an allow-list of the launch agent's own (what a
 * build needs to find its tools, speak the machine's locale and reach the network: PATH, HOME, locale, time zone,
 * proxies, CA files), the names {@code runner.environment} lists, and {@code CIRCLECI_LAUNCH_ID} and
 * {@code CIRCLE_WORKING_DIRECTORY}. Nothing else of the agent's environment reaches a job, whatever it is called; a
 * value holding the resource-class token never does, even when listed.
 */
final class TaskEnvironment {
    static final String LAUNCH_ID = "CIRCLECI_LAUNCH_ID";
    static final String WORKING_DIRECTORY = "CIRCLE_WORKING_DIRECTORY";

    /** Passed on when the agent has them. */
    static final Set<String> ALLOWED = Set.of("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "HTTP_PROXY", "HTTPS_PROXY",
            "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy", "SSL_CERT_FILE",
            "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO",
            // bin/runway's own JVM options, so that a task agent runs with the options the operator gave runway
            "RUNWAY_JAVA_OPTS");
    /** Locale categories: LC_ALL, LC_CTYPE, LC_TIME, ... */
    private static final String LOCALE_PREFIX = "LC_";

    private TaskEnvironment() {}

    static Map<String, String> forTask(Map<String, String> agentEnvironment, Collection<String> passed,
            String launchId, Path workingDirectory, String resourceClassToken) {
        Map<String, String> environment = new TreeMap<>();
        agentEnvironment.forEach((name, value) -> {
            boolean allowed = ALLOWED.contains(name) || name.startsWith(LOCALE_PREFIX) || passed.contains(name);
            boolean carriesToken = resourceClassToken != null && !resourceClassToken.isEmpty()
                    && value.contains(resourceClassToken);
            if (allowed && !carriesToken) {
                environment.put(name, value);
            }
        });
        environment.put(LAUNCH_ID, launchId);
        environment.put(WORKING_DIRECTORY, workingDirectory.toString());
        return environment;
    }
}
