package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.JobDefinitionParser;
import dev.runway.protocol.JobDefinitionParser.JobDefinition;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: job definitions, as a job file's tree ({@link JobDefinitionParser#submission}) and as a submitted
 * body ({@link Json#read} into {@link JobSubmission}), then {@link JobDefinitionParser#parse}. Only the documented
 * errors may escape: {@link IllegalArgumentException} naming the field, {@link IOException} for a malformed body.
 */
class JobDefinitionFuzzTest {
    private static final List<String> KEYS = List.of("resource_class", "name", "steps", "environment", "secrets",
            "checkout", "max_run_time", "run", "command", "shell", "working_directory", "no_output_timeout",
            "background", "when", "repository", "revision", "branch");
    private static final String VALID = """
            {"resource_class": "ns/rc", "name": "build", "max_run_time": "1h",
             "environment": {"A": "1", "_B": "two"}, "secrets": {"TOKEN": "s3cret"},
             "checkout": {"repository": "/srv/repo.git", "revision": "abc123", "branch": "main"},
             "steps": ["checkout", {"run": "make"},
                       {"run": {"name": "test", "command": "make test", "shell": "/bin/sh", "environment": {"X": "y"},
                                "working_directory": "~/src", "no_output_timeout": "10m", "background": false,
                                "when": "always"}},
                       {"checkout": {}}]}
            """;

    @Test
    void onlyDocumentedErrorsEscape() throws Exception {
        long seed = FaultSeeds.seed("job definitions fuzz", 101L);
        FuzzInputs inputs = new FuzzInputs(new Random(seed));
        JsonNode valid = Json.mapper().readTree(VALID);
        assertThat(JobDefinitionParser.parse(JobDefinitionParser.submission(valid)).steps()).hasSize(4);
        int count = FaultSeeds.longProfile() ? 200_000 : 20_000;
        List<String> crashes = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            JsonNode tree = inputs.chance(10) ? inputs.value(4) : valid.deepCopy();
            for (int edits = 1 + inputs.nextInt(4); edits > 0; edits--) {
                inputs.mutate(tree, KEYS);
            }
            try {
                accepted += parsesOrRefusesClearly(tree) ? 1 : 0;
            } catch (RuntimeException | Error e) {
                crashes.add(e + "\n    input: " + tree);
            }
        }
        System.out.println("[faults] job definitions fuzz: " + count + " inputs, " + accepted + " accepted, "
                + crashes.size() + " crashes");
        assertThat(crashes).as("inputs that made the parser fail otherwise than documented").isEmpty();
        assertThat(accepted).as("the mutations keep some inputs valid, so the accepting path is fuzzed too")
                .isPositive();
    }

    /** True when accepted (and the result is sane); false when refused with a clear error. Anything else throws. */
    private static boolean parsesOrRefusesClearly(JsonNode tree) {
        boolean fromFile = accepts(() -> JobDefinitionParser.submission(tree));
        boolean fromBody;
        try {
            JobSubmission body = Json.read(Json.write(tree), JobSubmission.class);
            fromBody = accepts(() -> body);
        } catch (IOException malformed) {
            assertThat(malformed.getMessage()).isNotBlank();
            fromBody = false;
        }
        return fromFile || fromBody;
    }

    private static boolean accepts(java.util.function.Supplier<JobSubmission> submission) {
        try {
            JobDefinition job = JobDefinitionParser.parse(submission.get());
            assertThat(job.steps()).isNotEmpty();
            assertThat(job.maxRunTime()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(job.resourceClass()).isNotNull();
            assertThat(job.name()).isNotBlank();
            return true;
        } catch (IllegalArgumentException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new IllegalStateException("refused without saying why", refused);
            }
            return false;
        }
    }
}
