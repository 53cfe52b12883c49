package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.ErrorBody;
import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
import dev.runway.protocol.RunnerApi.TaskHandover;
import dev.runway.protocol.RunnerApi.OffsetMismatch;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.protocol.RunnerApi.When;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TaskWire must give and take exactly the JSON the Jackson mapping ({@link Json}) does for its records. */
class TaskWireTest {
    private final Random random = new Random(20261129);

    @Test
    void readsWhatJacksonWrites() throws IOException {
        for (int i = 0; i < 400; i++) {
            // Jackson leaves out null map values too: the reference is what Jackson reads back
            byte[] job = Json.write(taskJob());
            assertThat(TaskWire.read(job, TaskJob.class)).isEqualTo(Json.read(job, TaskJob.class));
            HeartbeatResponse heartbeat = new HeartbeatResponse(random.nextBoolean(), number());
            assertThat(TaskWire.read(Json.write(heartbeat), HeartbeatResponse.class)).isEqualTo(heartbeat);
            OutputAck ack = new OutputAck(number(), random.nextBoolean());
            assertThat(TaskWire.read(Json.write(ack), OutputAck.class)).isEqualTo(ack);
            OffsetMismatch mismatch = new OffsetMismatch(text(), number());
            assertThat(TaskWire.read(Json.write(mismatch), OffsetMismatch.class)).isEqualTo(mismatch);
            ErrorBody error = new ErrorBody(text());
            assertThat(TaskWire.read(Json.write(error), ErrorBody.class)).isEqualTo(error);
            TaskHandover handover = new TaskHandover(text(), text(), text(), text());
            assertThat(TaskWire.read(Json.write(handover), TaskHandover.class)).isEqualTo(handover);
        }
    }

    @Test
    void writesWhatJacksonWrites() throws IOException {
        for (int i = 0; i < 400; i++) {
            for (Object value : List.of(new StepStart(text(), text()),
                    new StepResult(pick(StepStatus.values()), integer(), integer(), text(), number(), text()),
                    new TaskResult(pick(TaskStatus.values()), text()),
                    new InfraFailure(text(), integer(), text()), new TaskHandover(text(), text(), text(), text()))) {
                byte[] ours = TaskWire.write(value);
                assertThat(Json.mapper().readTree(ours)).isEqualTo(Json.mapper().readTree(Json.write(value)));
                assertThat(Json.read(ours, value.getClass())).isEqualTo(value);
            }
        }
    }

    @Test
    void escapesEveryControlCharacterAsJacksonDoes() throws IOException {
        StringBuilder all = new StringBuilder("quote \" backslash \\ slash / ");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append("\u007f \u00e9 \u2028 \ud83d\ude80 \uffff");
        StepStart start = new StepStart(all.toString(), "x");
        assertThat(new String(TaskWire.write(start), StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.write(start), StandardCharsets.UTF_8));
        assertThat(TaskWire.read(Json.write(new ErrorBody(all.toString())), ErrorBody.class).message())
                .isEqualTo(all.toString());
    }

    @Test
    void enumConstantsHaveJacksonsNames() {
        for (Class<? extends Enum<?>> type : List.of(StepType.class, When.class, StepStatus.class, TaskStatus.class)) {
            for (Enum<?> constant : type.getEnumConstants()) {
                assertThat('"' + TaskWire.wireName(constant) + '"').isEqualTo(Json.writeString(constant));
            }
        }
    }

    @Test
    void missingAndNullFieldsReadAsJacksonReadsThem() throws IOException {
        String primitives = "\"build_num\":0";
        String step = "{\"no_output_timeout_millis\":0,\"background\":false}";
        for (String body : List.of("{" + primitives + "}", "{" + primitives + ",\"steps\":[" + step + "]}",
                "{" + primitives + ",\"checkout\":{}}", "{" + primitives + ",\"steps\":[],\"environment\":{}}",
                "{\"task_id\":null,\"steps\":null,\"environment\":null,\"secret_names\":null,\"checkout\":null,"
                        + primitives + "}",
                "{\"environment\":{\"A\":null},\"secret_names\":[null,\"B\"]," + primitives + "}",
                " \n{ \"build_num\" : 7 , \"build_num\" : 8 }\t")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(TaskWire.read(bytes, TaskJob.class)).as(body).isEqualTo(Json.read(bytes, TaskJob.class));
        }
    }

    /** Each is refused by Jackson too; the message names the field (or the place) and never quotes the body. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"task_id\":\"t\",\"extra_secret\":1}|extra_secret: unknown field",
            "{\"build_num\":null}|build_num: expected a number, got null",
            "{\"task_id\":\"t\"}|build_num: missing",
            "{\"build_num\":1,\"steps\":[{\"background\":true}]}|steps[0].no_output_timeout_millis: missing",
            "{\"build_num\":\"secret-value\"}|build_num: expected a number, got a string",
            "{\"build_num\":1e400}|build_num: expected a whole number",
            "{\"build_num\":99999999999999999999}|build_num: expected a whole number",
            "{\"steps\":[{\"no_output_timeout_millis\":0,\"background\":false,\"when\":\"sometimes\"}]}"
                    + "|steps[0].when: expected one of on_success, on_fail, always",
            "{\"steps\":[{\"no_output_timeout_millis\":0,\"background\":false,\"type\":\"RUN\"}]}"
                    + "|steps[0].type: expected one of run, checkout",
            "{\"build_num\":1,\"steps\":[{\"no_output_timeout_millis\":1,\"background\":null}]}"
                    + "|steps[0].background: expected true or false, got null",
            "{\"steps\":[{\"no_output_timeout_millis\":0,\"background\":false,\"shell\":[\"secret-value\"]}]}"
                    + "|steps[0].shell: expected a string, got an array",
            "{\"steps\":{\"name\":\"x\"}}|steps: expected an array, got an object",
            "{\"steps\":[1]}|steps[0]: expected an object, got a number",
            "{\"build_num\":1,\"environment\":{\"A\":{\"B\":\"secret-value\"}}}"
                    + "|environment.A: expected a string, got an object",
            "{\"checkout\":{\"repository\":\"r\",\"depth\":1}}|checkout.depth: unknown field",
            "[]|the body: expected an object, got an array",
            "null|the body: expected an object, got null",
            "{\"task_id\":\"secret-value\"|expected ',' or '}' at character 25",
            "{\"task_id\":\"secret-value|unterminated string",
            "{\"task_id\":'secret-value'}|unexpected character",
            "|unexpected end of the text",
            "{\"build_num\":01}|expected ',' or '}'",
            "{\"task_id\":\"\\x\"}|bad escape",
    })
    void refusesWhatJacksonRefuses(String bodyAndMessage) {
        String body = bodyAndMessage.substring(0, bodyAndMessage.lastIndexOf('|'));
        String message = bodyAndMessage.substring(bodyAndMessage.lastIndexOf('|') + 1);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.read(bytes, TaskJob.class)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TaskWire.read(bytes, TaskJob.class))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(message)
                .message().doesNotContain("secret-value");
    }

    @Test
    void refusesWhatJacksonWouldNotNotice() {
        // Jackson reads the first value and ignores the rest; an answer with two values is a broken answer
        assertThatThrownBy(() -> TaskWire.read("{} {}".getBytes(StandardCharsets.UTF_8), OutputAck.class))
                .isInstanceOf(IOException.class).hasMessageContaining("after the value");
        assertThatThrownBy(() -> TaskWire.read(new byte[] {'"', (byte) 0xC3, '"'}, ErrorBody.class))
                .isInstanceOf(IOException.class).hasMessageContaining("UTF-8");
        byte[] deep = ("{\"steps\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TaskWire.read(deep, TaskJob.class))
                .isInstanceOf(IOException.class).hasMessageContaining("nested deeper");
    }

    @Test
    void errorMessageIgnoresOtherFields() {
        byte[] withCode = "{\"message\":\"no such task\",\"code\":404}".getBytes(StandardCharsets.UTF_8);
        assertThat(TaskWire.errorMessage(withCode)).isEqualTo("no such task");
        assertThat(TaskWire.errorMessage("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(TaskWire.errorMessage("{\"message\":5}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(TaskWire.errorMessage("[\"message\"]".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void refusesTypesItDoesNotMap() {
        assertThat(TaskWire.reads(TaskJob.class)).isTrue();
        assertThat(TaskWire.reads(RunnerApi.ClaimResponse.class)).isFalse();
        assertThatThrownBy(() -> TaskWire.read("{}".getBytes(StandardCharsets.UTF_8), RunnerApi.ClaimResponse.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TaskWire.writes(new TaskResult(TaskStatus.SUCCESS, null))).isTrue();
        assertThat(TaskWire.writes(new ErrorBody("x"))).isFalse();
        assertThatThrownBy(() -> TaskWire.write(new ErrorBody("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenTreeHasNoNullFields() throws IOException {
        JsonNode tree = Json.mapper().readTree(TaskWire.write(new StepResult(StepStatus.CANCELED, null, 15, null, 3,
                null)));
        assertThat(tree.fieldNames()).toIterable().containsExactly("status", "signal", "duration_millis");
    }

    private TaskJob taskJob() {
        List<StepSpec> steps = null;
        if (random.nextInt(8) > 0) {
            steps = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                steps.add(new StepSpec(maybe(pick(StepType.values())), text(), text(), text(), environment(), text(),
                        number(), random.nextBoolean(), maybe(pick(When.values()))));
            }
        }
        List<String> secretNames = null;
        if (random.nextInt(8) > 0) {
            secretNames = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                secretNames.add(text());
            }
        }
        Checkout checkout = random.nextInt(3) == 0 ? null : new Checkout(text(), text(), text());
        return new TaskJob(text(), text(), text(), number(), steps, environment(), secretNames, checkout);
    }

    private Map<String, String> environment() {
        if (random.nextInt(6) == 0) {
            return null;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            environment.put(random.nextInt(5) == 0 ? "" : "NAME_" + text(), random.nextInt(9) == 0 ? null : text());
        }
        return environment;
    }

    /** Null now and then; otherwise text with quotes, escapes, control characters and non-ASCII. */
    private String text() {
        if (random.nextInt(7) == 0) {
            return null;
        }
        String alphabet = "abcXYZ019 _-\"\\/\n\r\t\b\f\u0000\u001f\u007f\u00e9\u4e2d\u2028";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            if (random.nextInt(20) == 0) {
                text.append("\ud83d\ude80");
            } else {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return text.toString();
    }

    private long number() {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            case 3 -> random.nextInt(1000) - 500;
            default -> random.nextLong();
        };
    }

    private Integer integer() {
        return switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> Integer.MIN_VALUE;
            case 2 -> Integer.MAX_VALUE;
            default -> random.nextInt(256);
        };
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T maybe(T value) {
        return random.nextInt(6) == 0 ? null : value;
    }
}
