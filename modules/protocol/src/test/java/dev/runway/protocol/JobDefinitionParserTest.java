package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.JobDefinitionParser.JobDefinition;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.When;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobDefinitionParserTest {
    private static JobDefinition parse(String json) throws Exception {
        JsonNode tree = Json.mapper().readTree(json);
        return JobDefinitionParser.parse(JobDefinitionParser.submission(tree));
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(
                message);
    }

    @Test
    void readsCircleCisStepShapes() throws Exception {
        JobDefinition job = parse("{\"resource_class\":\"acme/linux\",\"name\":\"build\",\"steps\":["
                + "\"checkout\","
                + "{\"run\":\"make test\\nmake lint\"},"
                + "{\"run\":{\"name\":\"Deploy\",\"command\":\"./deploy\",\"shell\":\"/bin/sh\","
                + "\"environment\":{\"STAGE\":\"prod\",\"N\":3},\"working_directory\":\"app\","
                + "\"no_output_timeout\":\"20m\",\"background\":true,\"when\":\"always\"}}],"
                + "\"environment\":{\"CI\":\"true\"},\"secrets\":{\"TOKEN\":\"x\"},"
                + "\"checkout\":{\"repository\":\"/srv/repo.git\",\"revision\":\"abc\",\"branch\":\"main\"},"
                + "\"max_run_time\":\"1h30m\"}");
        assertThat(job.resourceClass().toString()).isEqualTo("acme/linux");
        assertThat(job.steps()).hasSize(3);
        assertThat(job.steps().get(0).type()).isEqualTo(StepType.CHECKOUT);
        StepSpec plain = job.steps().get(1);
        assertThat(plain.name()).as("named after the first line").isEqualTo("make test");
        assertThat(plain.command()).isEqualTo("make test\nmake lint");
        assertThat(plain.when()).isEqualTo(When.ON_SUCCESS);
        StepSpec full = job.steps().get(2);
        assertThat(full.name()).isEqualTo("Deploy");
        assertThat(full.shell()).isEqualTo("/bin/sh");
        assertThat(full.environment()).containsEntry("STAGE", "prod").containsEntry("N", "3");
        assertThat(full.workingDirectory()).isEqualTo("app");
        assertThat(full.noOutputTimeoutMillis()).isEqualTo(Duration.ofMinutes(20).toMillis());
        assertThat(full.background()).isTrue();
        assertThat(full.when()).isEqualTo(When.ALWAYS);
        assertThat(job.maxRunTime()).isEqualTo(Duration.ofMinutes(90));
        assertThat(job.secrets()).containsEntry("TOKEN", "x");
        assertThat(job.toString()).doesNotContain("\"x\"").contains("TOKEN");
    }

    @Test
    void aRunStepMayBeRerunWhenItFails() throws Exception {
        StepSpec step = parse("{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":{\"command\":\"make\","
                + "\"max_auto_reruns\":3,\"auto_rerun_delay\":\"30s\"}}]}").steps().get(0);
        assertThat(step.maxAutoReruns()).isEqualTo(3);
        assertThat(step.autoRerunDelayMillis()).isEqualTo(30_000L);
        assertThat(Json.writeString(parse("{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":\"make\"}]}")
                .steps().get(0))).as("left out when not rerun").doesNotContain("rerun");
    }

    @Test
    void defaultsFollowCircleCi() throws Exception {
        JobDefinition job = parse("{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":\"true\"}]}");
        assertThat(job.maxRunTime()).isEqualTo(Duration.ofHours(5));
        assertThat(job.name()).isEqualTo("job");
        assertThat(job.steps().get(0).noOutputTimeoutMillis()).isZero();
    }

    @Test
    void errorsNameTheStepAndField() {
        String head = "{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":\"true\"},";
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"no_output_timeout\":\"ten\"}}]}",
                "steps[1].run.no_output_timeout: invalid duration \"ten\"");
        assertRefused(head + "{\"run\":{\"comand\":\"x\"}}]}", "steps[1].run.comand: unknown field");
        assertRefused(head + "{\"run\":{\"name\":\"x\"}}]}", "steps[1].run.command: is required");
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"when\":\"sometimes\"}}]}",
                "steps[1].run.when: \"sometimes\" is not one of");
        assertRefused(head + "{\"save_cache\":{}}]}", "steps[1]: unsupported step type \"save_cache\"");
        assertRefused(head + "{\"run\":\"a\",\"extra\":1}]}", "steps[1]: a step is");
        assertRefused(head + "\"checkout\"]}", "steps[1]: a checkout step needs the job's checkout.repository");
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"environment\":{\"1BAD\":\"v\"}}}]}",
                "steps[1].run.environment.1BAD: invalid environment variable name");
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"background\":\"yes\"}}]}",
                "steps[1].run.background: must be true or false");
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"max_auto_reruns\":6}}]}",
                "steps[1].run.max_auto_reruns: must be an integer from 1 to 5, found 6");
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"auto_rerun_delay\":\"1m\"}}]}",
                "steps[1].run.auto_rerun_delay: only with max_auto_reruns");
        assertRefused(head + "{\"run\":{\"command\":\"x\",\"max_auto_reruns\":2,\"auto_rerun_delay\":\"11m\"}}]}",
                "steps[1].run.auto_rerun_delay: at most 10m");
        assertRefused("{\"resource_class\":\"acme/linux\",\"steps\":[]}", "steps: a job needs at least one step");
        assertRefused("{\"resource_class\":\"linux\",\"steps\":[\"checkout\"]}", "resource_class: invalid");
        assertRefused("{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":\"x\"}],\"max_run_time\":\"5\"}",
                "max_run_time: invalid duration");
        assertRefused("{\"resource_class\":\"acme/linux\",\"stepz\":[]}", "stepz: unknown field");
        assertRefused("{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":\"x\"}],\"secrets\":{\"A\":[1]}}",
                "secrets.A: must be a single value");
    }
}
