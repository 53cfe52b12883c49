package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code runway config process} and {@code runway config validate} on pipeline configs, with real files. */
class ConfigProcessCommandTest {
    private static final String CONFIG = """
            version: 2.1
            orbs:
              greet: acme/greet@1.2.0
            parameters:
              target: {type: string, default: world}
            jobs:
              build:
                machine: true
                resource_class: acme/linux
                steps:
                  - checkout
                  - greet/hello: {to: << pipeline.parameters.target >>}
                  - run: echo << pipeline.git.branch >>
              deploy:
                machine: true
                steps: [run: ./deploy.sh]
            workflows:
              main:
                jobs:
                  - build
                  - deploy: {requires: [build]}
            """;
    private static final String ORB = """
            version: 2.1
            commands:
              hello:
                parameters:
                  to: {type: string}
                steps:
                  - run: echo hello << parameters.to >>
            """;

    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new ConfigCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path repository(String config) throws IOException {
        Path circleci = Files.createDirectories(temp.resolve("repo/.circleci"));
        Files.writeString(circleci.resolve("config.yml"), config);
        return circleci.resolve("config.yml");
    }

    private void vendorOrb(Path orbs) throws IOException {
        Files.createDirectories(orbs.resolve("acme"));
        Files.writeString(orbs.resolve("acme/greet@1.2.0.yml"), ORB);
    }

    @Test
    void processPrintsTheProcessedConfigWithOrbsFromTheRepository() throws IOException {
        Path config = repository(CONFIG);
        vendorOrb(config.getParent().resolve("orbs"));

        Run run = run("process", config.toString(), "--param", "target=runway", "--branch", "feature/x");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode processed = new YAMLMapper().readTree(run.out());
        assertThat(processed.path("version").asInt()).isEqualTo(2);
        JsonNode steps = processed.path("jobs").path("build").path("steps");
        assertThat(steps.get(0).asText()).isEqualTo("checkout");
        assertThat(steps.get(1).path("run").path("command").asText()).isEqualTo("echo hello runway");
        assertThat(steps.get(2).path("run").path("command").asText()).isEqualTo("echo feature/x");
        assertThat(processed.path("workflows").path("main").path("jobs").get(1).path("deploy").path("requires")
                .get(0).asText()).isEqualTo("build");
    }

    @Test
    void processReadsServerWideOrbDirectoriesAndPrintsJson() throws IOException {
        Path config = repository(CONFIG);
        Path serverOrbs = temp.resolve("server-orbs");
        vendorOrb(serverOrbs);

        Run run = run("process", config.toString(), "--orb-dir", serverOrbs.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode processed = new ObjectMapper().readTree(run.out());
        assertThat(processed.path("jobs").path("build").path("steps").get(1).path("run").path("command").asText())
                .isEqualTo("echo hello world");
    }

    @Test
    void aMissingOrbExits2NamingTheOrbAndWhereToPutIt() throws IOException {
        Path config = repository(CONFIG);

        Run run = run("process", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(config + ":3:10: the orb acme/greet@1.2.0 is not available offline; put its"
                + " source at " + config.getParent().resolve("orbs/acme/greet@1.2.0.yml").toAbsolutePath());
    }

    @Test
    void everyProblemIsPrintedAsFileLineColumn() throws IOException {
        Path config = repository("""
                version: 2.1
                jobs:
                  build:
                    machine: true
                    steps: [chekout]
                workflows:
                  main:
                    jobs:
                      - build
                      - deploy: {requires: [build]}
                """);

        Run run = run("process", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly(
                config + ":5:13: there is no step or command named 'chekout' (did you mean checkout?)",
                config + ":10:9: there is no job named 'deploy'");
    }

    @Test
    void validateRecognisesAPipelineConfig() throws IOException {
        Path config = repository(CONFIG);
        vendorOrb(config.getParent().resolve("orbs"));

        Run valid = run("validate", config.toString());
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("valid pipeline config");

        Files.writeString(config, CONFIG.replace("requires: [build]", "requires: [biuld]"));
        Run invalid = run("validate", config.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains(config + ":21:29: job deploy requires 'biuld', which is not a job of"
                + " workflow main (did you mean build?)");
    }

    @Test
    void validateStillValidatesLaunchAgentConfigs() throws IOException {
        Path file = temp.resolve("launch-agent-config.yaml");
        Files.writeString(file, "api:\n  auth_token: x\nrunner:\n  nmae: typo\n");

        Run run = run("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nmae");
    }
}
