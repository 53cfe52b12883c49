package dev.runway.protocol;

import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.ErrorBody;
import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
import dev.runway.protocol.RunnerApi.OffsetMismatch;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.Storage;
import dev.runway.protocol.RunnerApi.TaskHandover;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.When;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The task token's half of the wire (what a task agent reads and writes), mapped by hand: the same JSON as
 * {@link Json} gives and takes for these records (snake_case, unknown fields refused, a primitive missing or null
 * refused, nulls left out), without Jackson. Jackson's first use costs a fresh JVM about 85 ms and 120 ms of CPU,
 * more than anything else a task agent does before its first step; TaskWireTest holds this mapping to Jackson's.
 */
public final class TaskWire {
    private static final Set<Class<?>> READS = Set.of(TaskJob.class, HeartbeatResponse.class, OutputAck.class,
            OffsetMismatch.class, ErrorBody.class, TaskHandover.class);
    private static final Set<Class<?>> WRITES = Set.of(StepStart.class, StepResult.class, TaskResult.class,
            InfraFailure.class, TaskHandover.class);

    private TaskWire() {}

    /** Whether {@link #read} maps {@code type}. */
    public static boolean reads(Class<?> type) {
        return READS.contains(type);
    }

    /** Whether {@link #write} maps {@code value}'s type. */
    public static boolean writes(Object value) {
        return value != null && WRITES.contains(value.getClass());
    }

    /**
     * Reads {@code body} as {@code type} (one of {@link #reads}); a malformed body raises an IOException that names
     * the field at fault, never quoting the body.
     */
    public static <T> T read(byte[] body, Class<T> type) throws IOException {
        Fields fields = new Fields(JsonText.parse(body), "");
        Object value;
        if (type == TaskJob.class) {
            value = taskJob(fields);
        } else if (type == HeartbeatResponse.class) {
            fields.only("canceled", "lease_seconds");
            value = new HeartbeatResponse(fields.bool("canceled"), fields.primitiveLong("lease_seconds"));
        } else if (type == OutputAck.class) {
            fields.only("next_offset", "canceled");
            value = new OutputAck(fields.primitiveLong("next_offset"), fields.bool("canceled"));
        } else if (type == OffsetMismatch.class) {
            fields.only("message", "expected_offset");
            value = new OffsetMismatch(fields.string("message"), fields.primitiveLong("expected_offset"));
        } else if (type == ErrorBody.class) {
            fields.only("message");
            value = new ErrorBody(fields.string("message"));
        } else if (type == TaskHandover.class) {
            fields.only("task_id", "max_run_time", "working_directory", "exit_pause");
            value = new TaskHandover(fields.string("task_id"), fields.string("max_run_time"),
                    fields.string("working_directory"), fields.string("exit_pause"));
        } else {
            throw new IllegalArgumentException("TaskWire does not read " + type.getName() + " (Json does)");
        }
        return type.cast(value);
    }

    /**
     * The {@code message} of an error answer, whatever other fields it has: "" when that JSON object has no string
     * message, null when {@code body} is no JSON object (a proxy's HTML page, say).
     */
    public static String errorMessage(byte[] body) {
        try {
            if (JsonText.parse(body) instanceof Map<?, ?> map) {
                return map.get("message") instanceof String message ? message : "";
            }
        } catch (IOException notJson) {
            // not JSON at all: null below
        }
        return null;
    }

    /** The JSON of {@code value} (one of {@link #writes}), as UTF-8. */
    public static byte[] write(Object value) {
        Writer out = new Writer();
        if (value instanceof StepStart start) {
            out.field("name", start.name()).field("started_at", start.startedAt());
        } else if (value instanceof StepResult result) {
            out.field("status", wireName(result.status())).field("exit_code", result.exitCode())
                    .field("signal", result.signal()).field("reason", result.reason())
                    .field("duration_millis", result.durationMillis()).field("finished_at", result.finishedAt());
        } else if (value instanceof TaskResult result) {
            out.field("status", wireName(result.status())).field("reason", result.reason());
        } else if (value instanceof InfraFailure failure) {
            out.field("reason", failure.reason()).field("exit_status", failure.exitStatus())
                    .field("last_output", failure.lastOutput());
        } else if (value instanceof TaskHandover handover) {
            out.field("task_id", handover.taskId()).field("max_run_time", handover.maxRunTime())
                    .field("working_directory", handover.workingDirectory()).field("exit_pause", handover.exitPause());
        } else {
            throw new IllegalArgumentException("TaskWire does not write "
                    + (value == null ? "null" : value.getClass().getName()) + " (Json does)");
        }
        return out.bytes();
    }

    /** The JSON name of a protocol enum constant: each one's {@code @JsonProperty} is its name in lower case. */
    static String wireName(Enum<?> constant) {
        return constant == null ? null : constant.name().toLowerCase(Locale.ROOT);
    }

    private static TaskJob taskJob(Fields job) throws IOException {
        job.only("task_id", "job_id", "job_name", "build_num", "steps", "environment", "secret_names", "checkout");
        List<StepSpec> steps = null;
        List<Fields> stepFields = job.objects("steps");
        if (stepFields != null) {
            steps = new ArrayList<>(stepFields.size());
            for (Fields step : stepFields) {
                step.only("type", "name", "command", "shell", "environment", "working_directory",
                        "no_output_timeout_millis", "background", "when", "max_auto_reruns",
                        "auto_rerun_delay_millis", "storage");
                Storage storage = null;
                Fields storageFields = step.object("storage");
                if (storageFields != null) {
                    storageFields.only("keys", "paths", "root", "destination");
                    storage = new Storage(storageFields.strings("keys"), storageFields.strings("paths"),
                            storageFields.string("root"), storageFields.string("destination"));
                }
                long reruns = step.optionalLong("max_auto_reruns");
                if (reruns < Integer.MIN_VALUE || reruns > Integer.MAX_VALUE) {
                    throw Fields.mismatch(step.at("max_auto_reruns"), "a whole number within 32 bits", reruns);
                }
                steps.add(new StepSpec(step.constant("type", StepType.class), step.string("name"),
                        step.string("command"), step.string("shell"), step.stringMap("environment"),
                        step.string("working_directory"), step.primitiveLong("no_output_timeout_millis"),
                        step.bool("background"), step.constant("when", When.class), (int) reruns,
                        (Long) step.optionalLong("auto_rerun_delay_millis"), storage));
            }
        }
        Checkout checkout = null;
        Fields source = job.object("checkout");
        if (source != null) {
            source.only("repository", "revision", "branch", "credential");
            checkout = new Checkout(source.string("repository"), source.string("revision"), source.string("branch"),
                    source.string("credential"));
        }
        return new TaskJob(job.string("task_id"), job.string("job_id"), job.string("job_name"),
                job.primitiveLong("build_num"), steps, job.stringMap("environment"), job.strings("secret_names"),
                checkout);
    }

    /** One JSON object being read, and where it sits in the message (for errors). */
    private static final class Fields {
        private final Map<?, ?> map;
        private final String path;

        Fields(Object node, String path) throws IOException {
            if (!(node instanceof Map<?, ?> object)) {
                throw mismatch(path.isEmpty() ? "the body" : path, "an object", node);
            }
            this.map = object;
            this.path = path;
        }

        /** Refuses a field not in {@code names}, as the Jackson mapping does. */
        void only(String... names) throws IOException {
            for (Object name : map.keySet()) {
                boolean known = false;
                for (String allowed : names) {
                    known |= allowed.equals(name);
                }
                if (!known) {
                    throw new IOException(at(name.toString()) + ": unknown field (known: " + String.join(", ", names)
                            + ")");
                }
            }
        }

        String string(String name) throws IOException {
            Object value = map.get(name);
            if (value == null || value == JsonText.NULL) {
                return null;
            }
            if (value instanceof String text) {
                return text;
            }
            throw mismatch(at(name), "a string", value);
        }

        /** A {@code long} field: missing or null is refused (Jackson's FAIL_ON_NULL_FOR_PRIMITIVES). */
        long primitiveLong(String name) throws IOException {
            Object value = required(name);
            if (value instanceof Long number) {
                return number;
            }
            if (value instanceof BigDecimal number) {
                try {
                    return number.longValueExact();
                } catch (ArithmeticException e) {
                    throw mismatch(at(name), "a whole number within 64 bits", value);
                }
            }
            throw mismatch(at(name), "a number", value);
        }

        /** A whole number that may be missing or null (0, as the record makes it). */
        long optionalLong(String name) throws IOException {
            Object value = map.get(name);
            return value == null || value == JsonText.NULL ? 0 : primitiveLong(name);
        }

        /** A {@code boolean} field: missing or null is refused, as for {@link #primitiveLong}. */
        boolean bool(String name) throws IOException {
            Object value = required(name);
            if (value instanceof Boolean flag) {
                return flag;
            }
            throw mismatch(at(name), "true or false", value);
        }

        <E extends Enum<E>> E constant(String name, Class<E> type) throws IOException {
            String value = string(name);
            if (value == null) {
                return null;
            }
            List<String> known = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                if (wireName(constant).equals(value)) {
                    return constant;
                }
                known.add(wireName(constant));
            }
            throw new IOException(at(name) + ": expected one of " + String.join(", ", known) + ", got \"" + value
                    + "\"");
        }

        Fields object(String name) throws IOException {
            Object value = map.get(name);
            return value == null || value == JsonText.NULL ? null : new Fields(value, at(name));
        }

        List<Fields> objects(String name) throws IOException {
            List<?> items = list(name);
            if (items == null) {
                return null;
            }
            List<Fields> objects = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                objects.add(new Fields(items.get(i), at(name) + "[" + i + "]"));
            }
            return objects;
        }

        List<String> strings(String name) throws IOException {
            List<?> items = list(name);
            if (items == null) {
                return null;
            }
            List<String> strings = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                strings.add(text(items.get(i), at(name) + "[" + i + "]"));
            }
            return strings;
        }

        Map<String, String> stringMap(String name) throws IOException {
            Object value = map.get(name);
            if (value == null || value == JsonText.NULL) {
                return null;
            }
            if (!(value instanceof Map<?, ?> entries)) {
                throw mismatch(at(name), "an object", value);
            }
            Map<String, String> strings = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                strings.put((String) entry.getKey(), text(entry.getValue(), at(name) + "." + entry.getKey()));
            }
            return strings;
        }

        private Object required(String name) throws IOException {
            Object value = map.get(name);
            if (value == null) {
                throw new IOException(at(name) + ": missing");
            }
            return value;
        }

        private List<?> list(String name) throws IOException {
            Object value = map.get(name);
            if (value == null || value == JsonText.NULL) {
                return null;
            }
            if (value instanceof List<?> items) {
                return items;
            }
            throw mismatch(at(name), "an array", value);
        }

        private static String text(Object value, String where) throws IOException {
            if (value == JsonText.NULL) {
                return null;
            }
            if (value instanceof String text) {
                return text;
            }
            throw mismatch(where, "a string", value);
        }

        private String at(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        /** Names the kind of value found, not the value (it may be a secret). */
        private static IOException mismatch(String where, String expected, Object found) {
            String kind = found == JsonText.NULL ? "null"
                    : found instanceof String ? "a string"
                    : found instanceof Boolean ? "a boolean"
                    : found instanceof Map ? "an object"
                    : found instanceof List ? "an array"
                    : "a number";
            return new IOException(where + ": expected " + expected + ", got " + kind);
        }
    }

    /** A JSON object written field by field; null fields are left out. */
    private static final class Writer {
        private final StringBuilder out = new StringBuilder(128).append('{');

        Writer field(String name, String value) {
            if (value != null) {
                JsonText.writeString(name(name), value);
            }
            return this;
        }

        Writer field(String name, Number value) {
            if (value != null) {
                name(name).append(value.longValue());
            }
            return this;
        }

        private StringBuilder name(String name) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":");
            return out;
        }

        byte[] bytes() {
            return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
