package dev.runway.pipeline.parameters;

import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Source;
import java.util.List;

/**
 * One declared parameter: its type ({@link #TYPES}), its default (null when the parameter is required) and, for
 * {@code enum}, the allowed values.
 */
public record Declaration(String name, String type, Node defaultValue, List<String> allowed, Source at) {
    public static final List<String> TYPES =
            List.of("string", "boolean", "integer", "enum", "executor", "steps", "env_var_name");
    /** The types pipeline parameters may have. */
    public static final List<String> PIPELINE_TYPES = List.of("string", "boolean", "integer", "enum");

    public boolean required() {
        return defaultValue == null;
    }
}
