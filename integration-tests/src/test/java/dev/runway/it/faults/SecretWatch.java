package dev.runway.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ProcFs;
import dev.runway.protocol.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows the run's secrets (the resource-class token, the admin token, every task token handed out: seen by the
 * proxy in claim answers or in the agents' task state files) and samples every process's argv and environment while
 * the run goes on: a secret there is a violation.
 */
final class SecretWatch implements AutoCloseable {
    private static final long SAMPLE_MILLIS = 300;
    private final FaultCluster cluster;
    /** Task id to task token. */
    private final Map<String, String> taskTokens = new ConcurrentHashMap<>();
    private final Set<String> leaks = ConcurrentHashMap.newKeySet();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile int samples;

    SecretWatch(FaultCluster cluster) {
        this.cluster = cluster;
        this.sampler = new Thread(this::sampleLoop, "secret-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Every secret known so far. */
    Set<String> secrets() {
        collectTaskTokens();
        Set<String> secrets = new LinkedHashSet<>(taskTokens.values());
        secrets.add(cluster.token);
        try {
            secrets.add(cluster.server.adminToken());
        } catch (IOException e) {
            cluster.tally.note("cannot read the admin token: " + e.getMessage());
        }
        return secrets;
    }

    int taskTokenCount() {
        return taskTokens.size();
    }

    /** Every task token handed out so far, by task id. */
    Map<String, String> taskTokens() {
        collectTaskTokens();
        return Map.copyOf(taskTokens);
    }

    private void sampleLoop() {
        while (running) {
            try {
                Set<String> secrets = secrets();
                for (ProcFs.Snapshot process : ProcFs.snapshot()) {
                    Optional<String> leaked = ProcFs.leakedSecret(process, secrets);
                    leaked.ifPresent(secret -> leaks.add("pid " + process.pid() + " (" + abbreviate(process.argv())
                            + ") carries secret " + secret.substring(0, 6) + "... in its argv or environment"));
                }
                samples++;
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                cluster.tally.note("secret sampling failed: " + e);
            }
        }
    }

    private void collectTaskTokens() {
        if (cluster.proxy != null) {
            taskTokens.putAll(cluster.proxy.taskTokens());
        }
        for (LaunchAgentProcess agent : cluster.agents) {
            Path states = agent.stateDirectory().resolve("tasks");
            if (!Files.isDirectory(states)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(states, "*.json")) {
                for (Path file : files) {
                    JsonNode state = Json.mapper().readTree(Files.readAllBytes(file));
                    if (state.hasNonNull("task_token") && state.hasNonNull("task_id")) {
                        taskTokens.put(state.get("task_id").asText(), state.get("task_token").asText());
                    }
                }
            } catch (IOException e) {
                // a state file came or went while we read: the next sample sees it
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }

    /** Stops sampling and records the check. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join(5_000);
        Set<String> found = new HashSet<>(leaks);
        cluster.tally.check(found.isEmpty(), "no secret in any process's argv or environment (" + samples
                + " samples of /proc): " + found);
    }
}
