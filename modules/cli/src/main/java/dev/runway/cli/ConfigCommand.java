package dev.runway.cli;

import dev.runway.config.ConfigException;
import dev.runway.config.ConfigLoader;
import dev.runway.config.EffectiveConfig;
import dev.runway.config.LoadedConfig;
import dev.runway.config.Problem;
import dev.runway.pipeline.Compilation;
import dev.runway.pipeline.PipelineValues;
import java.io.IOException;
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
        description = {"Checks launch-agent configuration and compiles pipeline configuration.",
                "Checks launch-agent configuration (launch-agent-config.yaml and LAUNCH_AGENT_* variables) and "
                    + "compiles pipeline configuration (.circleci/config.yml)."},
        subcommands = {ConfigCommand.Validate.class, ConfigCommand.Process.class})
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
            description = {"Validates a launch-agent config or a pipeline config as the launch agent reads it.",
                    "Validates FILE with the environment's overrides (LAUNCH_AGENT_*, CIRCLECI_RUNNER_*, "
                        + "CIRCLECI_API_TOKEN) applied, as the launch agent would read them. Without FILE the "
                        + "environment alone is the configuration, as in the Docker image.",
                    "Valid: prints the effective configuration (the token as ********), exit status 0.",
                    "Invalid: prints every problem (file:line:column: key: message), exit status 2.",
                    "A pipeline config (.circleci/config.yml: version: with jobs: or workflows:) is compiled "
                        + "instead: valid prints 'valid', invalid prints every problem as file:line:column: message."})
    public static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--strict",
                description = "A config file that others may read (while it holds the token) or write, or that "
                        + "root does not own when run as root, is an error, not a warning.")
        boolean strict;

        @Option(names = "--json", description = "Print the result as one JSON document.")
        boolean json;

        @Parameters(arity = "0..1", paramLabel = "FILE",
                description = "launch-agent-config.yaml, or a pipeline config (.circleci/config.yml)")
        Path file;

        @Option(names = "--orb-dir", paramLabel = "DIR",
                description = "A server-wide orb directory (<namespace>/<orb>@<version>.yml); repeatable.")
        List<Path> orbDirectories = new ArrayList<>();

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
            if (file != null && PipelineConfigFile.isPipelineConfig(file)) {
                return validatePipeline(out, err);
            }
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

        private int validatePipeline(PrintWriter out, PrintWriter err) {
            try {
                Compilation compilation = PipelineConfigFile.compile(file, PipelineValues.builder().build(),
                        orbDirectories);
                if (json) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("valid", compilation.ok());
                    result.put("problems", compilation.problems());
                    out.println(EffectiveConfig.toJson(result));
                } else if (compilation.ok()) {
                    out.println(file + ": valid pipeline config");
                }
                err.print(PipelineConfigFile.describe(compilation.problems()));
                return compilation.ok() ? 0 : Runway.EXIT_INVALID;
            } catch (IOException e) {
                err.println(file + ": cannot be read: " + e.getMessage());
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

    /**
     * {@code runway config process FILE}: compiles a pipeline config with the given pipeline values and prints it in
     * CircleCI's processed-config shape, or prints every problem (file:line:column: message) and exits 2.
     */
    @Command(name = "process", mixinStandardHelpOptions = true,
            description = {"Compiles a pipeline config (.circleci/config.yml, version 2.1) offline and prints it.",
                    "Compiles a pipeline config (.circleci/config.yml, version 2.1) offline and prints it "
                        + "processed: version: 2, jobs: with every step expanded, workflows: with final job names and "
                        + "requires. Registry orbs are read from .circleci/orbs/<namespace>/<orb>@<version>.yml beside "
                        + "the config and from each --orb-dir. Problems: file:line:column: message, exit 2."})
    public static final class Process implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = ".circleci/config.yml")
        Path file;

        @Option(names = "--param", paramLabel = "NAME=VALUE",
                description = "A pipeline parameter's value; repeatable.")
        List<String> parameters = new ArrayList<>();

        @Option(names = "--branch", description = "pipeline.git.branch") String branch;

        @Option(names = "--tag", description = "pipeline.git.tag") String tag;

        @Option(names = "--revision", description = "pipeline.git.revision") String revision;

        @Option(names = "--orb-dir", paramLabel = "DIR",
                description = "A server-wide orb directory (<namespace>/<orb>@<version>.yml); repeatable.")
        List<Path> orbDirectories = new ArrayList<>();

        @Option(names = "--json", description = "Print the processed config as JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                PipelineValues.Builder values = PipelineValues.builder().branch(branch).tag(tag).revision(revision);
                for (String parameter : parameters) {
                    int equals = parameter.indexOf('=');
                    if (equals <= 0) {
                        err.println("--param " + parameter + ": write NAME=VALUE");
                        return Runway.EXIT_INVALID;
                    }
                    values.parameter(parameter.substring(0, equals), parameter.substring(equals + 1));
                }
                Compilation compilation = PipelineConfigFile.compile(file, values.build(), orbDirectories);
                if (!compilation.ok()) {
                    err.print(PipelineConfigFile.describe(compilation.problems()));
                    return Runway.EXIT_INVALID;
                }
                out.print(json ? compilation.pipeline().toJson() + "\n" : compilation.pipeline().toYaml());
                return 0;
            } catch (IOException e) {
                err.println(file + ": cannot be read: " + e.getMessage());
                return Runway.EXIT_INVALID;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    /** For tests: the validate command reading {@code environment} instead of the process's. */
    static CommandLine validate(Map<String, String> environment) {
        return new CommandLine(new Validate(environment));
    }
}
