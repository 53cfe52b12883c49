package dev.runway.taskagent;

import dev.runway.client.HttpTransport;
import dev.runway.client.TaskClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The task agent in a JVM of its own, for tests that cap its heap or signal it: {@code URL TASK_ID} as arguments,
 * the task token on stdin (as {@code runway task-agent}, without the CLI around it). Exit 0 once the result is
 * reported.
 */
public final class TaskAgentMain {
    private TaskAgentMain() {}

    public static void main(String[] args) throws Exception {
        String token = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        TaskClient client = new TaskClient(new HttpTransport(URI.create(args[0]), Duration.ofSeconds(60)), args[1],
                token);
        TaskAgentSettings settings = TaskAgentSettings.defaults(Path.of("").toAbsolutePath(), System.getenv(),
                Duration.ZERO).withCancelGrace(Duration.ofSeconds(2));
        TaskAgent agent = new TaskAgent(client, token, settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> agent.cancel("SIGTERM")));
        agent.run();
        Runtime runtime = Runtime.getRuntime();
        System.out.println("max heap " + runtime.maxMemory() / (1024 * 1024) + " MiB");
        System.out.println("cpu millis " + ProcessHandle.current().info().totalCpuDuration()
                .map(java.time.Duration::toMillis).orElse(-1L));
        System.exit(0);
    }
}
