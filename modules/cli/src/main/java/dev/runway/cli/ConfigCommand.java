package dev.runway.cli;

import dev.runway.config.ConfigException;
import dev.runway.config.ConfigLoader;
import dev.runway.config.EffectiveConfig;
import dev.runway.config.LoadedConfig;
import dev.runway.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runway config}: the launch agent's configuration. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Checks launch-agent configuration (launch-agent-config.yaml and LAUNCH_AGENT_* variables).",
        subcommands = {ConfigCommand.Validate.class})
public final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Runway.EXIT_INVALID;
    }

    /**
     * {@code runway config validate [--strict] [--json] [FILE]}: prints the effective configuration (token
     * redacted) and exits 0, or prints every problem and exits 2. Warnings go to standard error.
     */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Validates FILE with the environment's overrides (LAUNCH_AGENT_*, CIRCLECI_RUNNER_*,",
                    "CIRCLECI_API_TOKEN) applied, as the launch agent would read them. Without FILE the",
                    "environment alone is the configuration, as in the Docker image.",
                    "Valid: prints the effective configuration (the token as ********), exit status 0.",
                    "Invalid: prints every problem (file:line:column: key: message), exit status 2."})
    public static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--strict",
                description = "A config file that others may read (while it holds the token) or write, or that "
                        + "root does not own when run as root, is an error, not a warning.")
        boolean strict;

        @Option(names = "--json", description = "Print the result as one JSON document.")
        boolean json;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "launch-agent-config.yaml")
        Path file;

        private final Map<String, String> environment;

        public Validate() {
            this(System.getenv());
        }

        Validate(Map<String, String> environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                LoadedConfig loaded = ConfigLoader.load(file, environment, strict);
                NetworkEnvironment.check(environment, loaded.config().api().url());
                loaded.warnings().forEach(warning -> err.println("warning: " + warning));
                if (json) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("valid", true);
                    result.put("config", EffectiveConfig.toMap(loaded.config()));
                    result.put("warnings", loaded.warnings());
                    out.println(EffectiveConfig.toJson(result));
                } else {
                    out.print(EffectiveConfig.toYaml(loaded.config()));
                }
                return 0;
            } catch (ConfigException e) {
                if (json) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("valid", false);
                    result.put("problems", problems(e.problems()));
                    out.println(EffectiveConfig.toJson(result));
                }
                err.println(e.getMessage());
                return Runway.EXIT_INVALID;
            } finally {
                out.flush();
                err.flush();
            }
        }

        private static List<Map<String, Object>> problems(List<Problem> problems) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Problem problem : problems) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("file", problem.file());
                entry.put("line", problem.line());
                entry.put("column", problem.column());
                entry.put("key", problem.key());
                entry.put("message", problem.message());
                list.add(entry);
            }
            return list;
        }
    }

    /** For tests: the validate command reading {@code environment} instead of the process's. */
    static CommandLine validate(Map<String, String> environment) {
        return new CommandLine(new Validate(environment));
    }
}
