package dev.runway.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.pipeline.Compilation;
import dev.runway.pipeline.OrbSource;
import dev.runway.pipeline.PipelineCompiler;
import dev.runway.pipeline.PipelineValues;
import dev.runway.pipeline.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A {@code .circleci/config.yml} compiled for {@code runway config process} and {@code runway config validate}:
 * orbs from {@code .circleci/orbs} beside it and from the server-wide orb directories.
 */
final class PipelineConfigFile {
    private PipelineConfigFile() {}

    /** True when the file reads as a pipeline config (version: with jobs:, workflows: or orbs:). */
    static boolean isPipelineConfig(Path file) {
        try {
            Object document = new YAMLMapper().readValue(file.toFile(), Object.class);
            return document instanceof Map<?, ?> map && PipelineCompiler.looksLikePipelineConfig(map);
        } catch (IOException | RuntimeException e) {
            return false; // not readable as YAML here: the launch-agent validation reports it with its position
        }
    }

    static Compilation compile(Path file, PipelineValues values, List<Path> orbDirectories) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return PipelineCompiler.compile(file.toString(), bytes, values, OrbSource.forConfig(file, orbDirectories));
    }

    /** Each problem on its own line as file:line:column: message. */
    static String describe(List<Problem> problems) {
        StringBuilder text = new StringBuilder();
        problems.forEach(problem -> text.append(problem).append('\n'));
        return text.toString();
    }
}
