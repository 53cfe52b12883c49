package dev.runway.cli;

import dev.runway.agent.LaunchAgent;
import dev.runway.agent.ShutdownSignals;
import dev.runway.cli.logging.Logging;
import dev.runway.config.ConfigException;
import dev.runway.config.ConfigLoader;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.config.LoadedConfig;
import dev.runway.config.Runner;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Sandbox;
import dev.runway.launcher.Launchers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runway launch-agent}: the runner users install. Claims tasks for its resource class and runs one task agent
 * per task through the configured launcher, until it is stopped.
 */
@Command(name = "launch-agent", mixinStandardHelpOptions = true,
        description = {"Claims tasks for a resource class and runs each one through a launcher.",
                "Claims tasks for the resource class of api.auth_token and runs each one through a launcher. "
                    + "Without --config the environment alone configures it (LAUNCH_AGENT_API_AUTH_TOKEN or "
                    + "CIRCLECI_API_TOKEN, LAUNCH_AGENT_API_URL, ...), as the Docker image does.",
                "Signals: the 1st SIGTERM/SIGINT drains (no new tasks; running ones go on up to max_run_time), the "
                    + "2nd cancels running tasks and exits after runner.grace_period, the 3rd kills them at once.",
                "Exit status: 0 after a clean stop (drained, single task done, idle_timeout); 1 when tasks had to "
                    + "be canceled or the agent could not start; 2 for a bad configuration."})
public final class LaunchAgentCommand implements Callable<Integer> {
    static final String NO_TOKEN = "No API token supplied; exiting";
    private static final Logger LOG = LoggerFactory.getLogger(LaunchAgentCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "launch-agent-config.yaml")
    Path configFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where running tasks' state and task-agent logs are kept (default /var/lib/runway as "
                    + "root, else ~/.local/state/runway).")
    Path stateDirectory;

    private final Map<String, String> environment;

    public LaunchAgentCommand() {
        this(System.getenv());
    }

    LaunchAgentCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (configFile == null && !hasToken(environment)) {
            err.println(NO_TOKEN);
            err.flush();
            return 1;
        }
        LaunchAgentConfig config;
        try {
            LoadedConfig loaded = ConfigLoader.load(configFile, environment);
            config = loaded.config();
            Logging.configure(config.logging(), config.api().authToken());
            loaded.warnings().forEach(warning -> LOG.warn("{}", warning));
            // the agent and its task agents read these; a mistake in them is one of the configuration's
            NetworkEnvironment.check(environment, config.api().url());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Runway.EXIT_INVALID;
        }
        Runner runner = config.runner();
        try (Launcher launcher = Launchers.installed().select(runner.launcher(),
                new LauncherSettings(runner.commandPrefix(), runner.taskUser(), runner.gracePeriod(),
                        runner.maxConcurrentTasks(), Sandbox.relaxing(runner.sandbox())))) {
            LaunchAgent agent = LaunchAgent.builder(config, launcher).version(Runway.version())
                    .stateDirectory(stateDirectory != null ? stateDirectory : defaultStateDirectory(environment))
                    .build();
            ShutdownSignals.install(agent);
            return agent.run();
        } catch (LaunchException | IOException | IllegalStateException e) {
            LOG.error("launch agent cannot start: {}", e.getMessage());
            err.println("launch-agent: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    static boolean hasToken(Map<String, String> environment) {
        for (String name : new String[] {"LAUNCH_AGENT_API_AUTH_TOKEN", "CIRCLECI_API_TOKEN",
            "CIRCLECI_RUNNER_API_AUTH_TOKEN"}) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** Root's agent keeps state in /var/lib/runway; anyone else's under their home (XDG state directory). */
    static Path defaultStateDirectory(Map<String, String> environment) {
        if ("root".equals(System.getProperty("user.name"))) {
            return LaunchAgent.DEFAULT_STATE_DIRECTORY;
        }
        String xdg = environment.get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("runway");
    }
}
