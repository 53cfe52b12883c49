package dev.runway.pipeline.parameters;

import dev.runway.pipeline.yaml.Node;

/** CircleCI's truthiness: false, null, 0, NaN and "" are false; every other value is true. */
public final class Truthiness {
    private Truthiness() {}

    public static boolean truthy(Node node) {
        if (node instanceof Node.Scalar scalar) {
            Object value = scalar.value();
            if (value == null) {
                return false;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            if (value instanceof Long l) {
                return l != 0;
            }
            if (value instanceof Double d) {
                return d != 0 && !d.isNaN();
            }
            return !((String) value).isEmpty();
        }
        return true;
    }
}
