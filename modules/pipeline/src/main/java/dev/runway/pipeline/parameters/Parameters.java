package dev.runway.pipeline.parameters;

import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code parameters:} declarations and binds an invocation's arguments to them, type-checked. */
public final class Parameters {
    private static final Set<String> KEYS = Set.of("type", "default", "description", "enum");
    private static final Pattern ENV_VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Parameters() {}

    /**
     * The declarations under {@code node} (a mapping of name to declaration; null is none). {@code types} lists the
     * types allowed here; {@code owner} names the job, command or executor in messages.
     */
    public static Map<String, Declaration> declarations(Node node, String owner, List<String> types,
            Problems problems) {
        Map<String, Declaration> declarations = new LinkedHashMap<>();
        if (node == null || node instanceof Node.Scalar scalar && scalar.isNull()) {
            return declarations;
        }
        if (!(node instanceof Node.Mapping mapping)) {
            problems.error(node.at(), owner + ": parameters must be a mapping of names to declarations, found "
                    + node.describe());
            return declarations;
        }
        for (Node.Entry entry : mapping.entries().values()) {
            String name = entry.key();
            if (!(entry.value() instanceof Node.Mapping declaration)) {
                problems.error(entry.value().at(), owner + ": parameter " + name
                        + " must be a mapping with a type, found " + entry.value().describe());
                continue;
            }
            for (Node.Entry key : declaration.entries().values()) {
                if (!KEYS.contains(key.key())) {
                    problems.error(key.keyAt(), owner + ": parameter " + name + " has an unknown key '" + key.key()
                            + "'" + Problems.hint(key.key(), KEYS) + "; a declaration has type, default,"
                            + " description and enum");
                }
            }
            Node typeNode = declaration.get("type");
            if (!(typeNode instanceof Node.Scalar typeScalar) || !typeScalar.isString()) {
                problems.error(typeNode == null ? entry.keyAt() : typeNode.at(), owner + ": parameter " + name
                        + " needs a type (one of " + String.join(", ", types) + ")");
                continue;
            }
            String type = typeScalar.text();
            if (!types.contains(type)) {
                problems.error(typeNode.at(), owner + ": parameter " + name + " has the type '" + type
                        + "'; the types here are " + String.join(", ", types) + Problems.hint(type, types));
                continue;
            }
            List<String> allowed = List.of();
            if (type.equals("enum")) {
                Node enumNode = declaration.get("enum");
                if (!(enumNode instanceof Node.Seq seq) || seq.items().isEmpty()) {
                    problems.error(enumNode == null ? typeNode.at() : enumNode.at(), owner + ": enum parameter "
                            + name + " needs 'enum:', a non-empty list of its allowed values");
                    continue;
                }
                List<String> values = new ArrayList<>();
                for (Node item : seq.items()) {
                    if (item instanceof Node.Scalar s && !s.isNull()) {
                        values.add(s.text());
                    } else {
                        problems.error(item.at(), owner + ": the values of enum parameter " + name
                                + " must be strings, found " + item.describe());
                    }
                }
                allowed = List.copyOf(values);
            } else if (declaration.has("enum")) {
                problems.error(declaration.entries().get("enum").keyAt(), owner + ": parameter " + name
                        + " lists enum values but its type is " + type + ", not enum");
            }
            Node defaultValue = declaration.get("default");
            Declaration declared = new Declaration(name, type, null, allowed, entry.keyAt());
            if (defaultValue != null) {
                Node checked = check(declared, defaultValue, owner + ": the default of parameter " + name,
                        problems);
                if (checked == null) {
                    continue;
                }
                defaultValue = checked;
            }
            declarations.put(name, new Declaration(name, type, defaultValue, allowed, entry.keyAt()));
        }
        return declarations;
    }

    /**
     * The value of every declared parameter: the argument given in {@code arguments}, else the default. Unknown
     * arguments, missing required ones and type errors are reported; the result then lacks those parameters.
     */
    public static Map<String, Node> bind(Map<String, Declaration> declarations, Collection<Node.Entry> arguments,
            Source invokedAt, String owner, Problems problems) {
        Map<String, Node> values = new LinkedHashMap<>();
        for (Node.Entry argument : arguments) {
            Declaration declaration = declarations.get(argument.key());
            if (declaration == null) {
                problems.error(argument.keyAt(), owner + " has no parameter '" + argument.key() + "'"
                        + Problems.hint(argument.key(), declarations.keySet())
                        + (declarations.isEmpty() ? "; it declares none"
                                : "; its parameters are " + String.join(", ", declarations.keySet())));
                continue;
            }
            Node checked = check(declaration, argument.value(), owner + ": argument " + argument.key(), problems);
            if (checked != null) {
                values.put(argument.key(), checked);
            }
        }
        for (Declaration declaration : declarations.values()) {
            if (!values.containsKey(declaration.name())) {
                if (declaration.required()) {
                    if (arguments.stream().noneMatch(a -> a.key().equals(declaration.name()))) {
                        problems.error(invokedAt, owner + " needs the argument '" + declaration.name()
                                + "' (a " + declaration.type() + " parameter without a default)");
                    }
                } else {
                    values.put(declaration.name(), declaration.defaultValue());
                }
            }
        }
        return values;
    }

    /** The value checked against the declaration's type (a number given for a string becomes its text), or null. */
    public static Node check(Declaration declaration, Node value, String what, Problems problems) {
        String type = declaration.type();
        Node.Scalar scalar = value instanceof Node.Scalar s ? s : null;
        switch (type) {
            case "string", "env_var_name" -> {
                if (scalar == null || scalar.value() instanceof Boolean) {
                    return wrong(value, what, "a string", problems);
                }
                if (scalar.isNull()) {
                    return new Node.Scalar("", "", scalar.at());
                }
                if (type.equals("env_var_name") && !ENV_VAR_NAME.matcher(scalar.text()).matches()) {
                    problems.error(value.at(), what + " must be an environment variable name (letters, digits"
                            + " and _, not starting with a digit), found '" + scalar.text() + "'");
                    return null;
                }
                return scalar.isString() ? scalar : new Node.Scalar(scalar.raw(), scalar.raw(), scalar.at());
            }
            case "boolean" -> {
                if (scalar != null && scalar.value() instanceof Boolean) {
                    return scalar;
                }
                return wrong(value, what, "a boolean (true or false)", problems);
            }
            case "integer" -> {
                if (scalar != null && scalar.value() instanceof Long) {
                    return scalar;
                }
                return wrong(value, what, "an integer", problems);
            }
            case "enum" -> {
                if (scalar != null && !scalar.isNull() && declaration.allowed().contains(scalar.text())) {
                    return scalar.isString() ? scalar : new Node.Scalar(scalar.text(), scalar.raw(), scalar.at());
                }
                problems.error(value.at(), what + " must be one of " + String.join(", ", declaration.allowed())
                        + ", found " + (scalar == null ? value.describe() : "'" + scalar.text() + "'"));
                return null;
            }
            case "steps" -> {
                if (value instanceof Node.Seq || scalar != null && scalar.isNull()) {
                    return scalar != null ? new Node.Seq(List.of(), scalar.at()) : value;
                }
                return wrong(value, what, "a list of steps", problems);
            }
            case "executor" -> {
                if (scalar != null && scalar.isString() || value instanceof Node.Mapping) {
                    return value;
                }
                return wrong(value, what, "an executor (its name, or a mapping with name: and its arguments)",
                        problems);
            }
            default -> throw new IllegalStateException("unchecked type " + type);
        }
    }

    private static Node wrong(Node value, String what, String expected, Problems problems) {
        problems.error(value.at(), what + " must be " + expected + ", found " + value.describe());
        return null;
    }
}
