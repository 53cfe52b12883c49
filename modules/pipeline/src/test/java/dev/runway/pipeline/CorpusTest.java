package dev.runway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real configs of public projects (src/test/resources/corpus, README.md there says where each comes from) compile
 * without a problem, and their workflows' jobs and requires edges are those the file lists, read here with a plain
 * YAML parser independently of the compiler.
 */
class CorpusTest {
    static Path corpus() {
        try {
            return Path.of(CorpusTest.class.getResource("/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> configs() throws IOException {
        try (Stream<Path> dirs = Files.list(corpus())) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.resolve(".circleci/config.yml")).sorted()
                    .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void compilesWithTheJobsAndEdgesTheFileLists(Path config) throws IOException {
        Compilation compilation = PipelineCompiler.compile(config.toString(), Files.readAllBytes(config),
                PipelineValues.builder().branch("main").revision("0123456789abcdef").number(1).build(),
                OrbSource.forConfig(config, List.of()));

        assertThat(compilation.problems()).as("problems").isEmpty();
        List<String> compiled = new ArrayList<>();
        for (CompiledPipeline.Workflow workflow : compilation.pipeline().workflows()) {
            for (CompiledPipeline.WorkflowJob job : workflow.jobs()) {
                compiled.add(workflow.name() + ": " + job.name() + " <- " + String.join(", ",
                        job.requires().stream().map(CompiledPipeline.Requirement::job).toList()));
                if (!job.approval()) {
                    assertThat(compilation.pipeline().jobs().get(job.job()).steps()).as("steps of " + job.name())
                            .isNotEmpty();
                }
            }
        }
        assertThat(compiled).containsExactlyElementsOf(asWritten(config));
        assertThat(compiled).isNotEmpty();
    }

    /** "workflow: job <- required, ..." for each job as the file writes it (no matrices in this corpus). */
    @SuppressWarnings("unchecked")
    private static List<String> asWritten(Path config) throws IOException {
        Map<String, Object> document = new YAMLMapper().readValue(config.toFile(), Map.class);
        List<String> lines = new ArrayList<>();
        Object workflows = document.get("workflows");
        if (workflows == null) {
            lines.add("workflow: build <- ");
            return lines;
        }
        for (Map.Entry<String, Object> workflow : ((Map<String, Object>) workflows).entrySet()) {
            if (workflow.getKey().equals("version")) {
                continue;
            }
            for (Object item : (List<Object>) ((Map<String, Object>) workflow.getValue()).get("jobs")) {
                String name;
                List<String> requires = new ArrayList<>();
                if (item instanceof String plain) {
                    name = plain;
                } else {
                    Map.Entry<String, Object> only = ((Map<String, Object>) item).entrySet().iterator().next();
                    Map<String, Object> settings = only.getValue() == null ? Map.of()
                            : (Map<String, Object>) only.getValue();
                    name = settings.containsKey("name") ? String.valueOf(settings.get("name")) : only.getKey();
                    for (Object required : (List<Object>) settings.getOrDefault("requires", List.of())) {
                        requires.add(required instanceof Map<?, ?> map ? String.valueOf(map.keySet().iterator().next())
                                : String.valueOf(required));
                    }
                }
                lines.add(workflow.getKey() + ": " + name + " <- " + String.join(", ", requires));
            }
        }
        return lines;
    }
}
