package dev.runway.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generators of hostile input for the fuzz targets: strings that break naive parsers (control characters,
 * surrogates, path tricks, huge numbers, Go-duration look-alikes), JSON trees of any shape, and byte-level mutations
 * of valid documents.
 */
final class FuzzInputs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> NASTY = List.of("", " ", ".", "..", "../..", "/", "//", "%s", "%n", "%%",
            "\u0000", "\n", "\r\n", "\t", "\u202e", "\ud800", "\udfff", "\uffff", "\u00e9", "\ud83d\ude00", "~",
            "$HOME", "`id`", "$(id)", "'", "\"", "\\", "-1", "0", "1e309", "9223372036854775808", "NaN", "true",
            "null", "1h", "5m30s", "1.5h", "-1s", "0s", "1ns", "2562048h", "9999999999999999999h", "1e3s", ".s",
            "1", "h", "1hh", "on_success", "on_fail", "always", "checkout", "run", "command", "ns/rc", "ns/", "/rc",
            "a/b/c", "CON", "nul", "x".repeat(300), "é".repeat(70), "a\u0000b");

    private final Random random;

    FuzzInputs(Random random) {
        this.random = random;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A string: often a known troublemaker, else random code points (any plane, any category). */
    String string() {
        if (random.nextBoolean()) {
            String nasty = pick(NASTY);
            return chance(4) ? nasty + pick(NASTY) : nasty;
        }
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(chance(20) ? 400 : 12);
        for (int i = 0; i < length; i++) {
            int codePoint = switch (random.nextInt(4)) {
                case 0 -> 32 + random.nextInt(95);
                case 1 -> random.nextInt(32);
                case 2 -> random.nextInt(0x800);
                default -> random.nextInt(0x110000);
            };
            if (Character.isValidCodePoint(codePoint)) {
                text.appendCodePoint(codePoint);
            }
        }
        return text.toString();
    }

    /** Any JSON value, up to {@code depth} levels deep. */
    JsonNode value(int depth) {
        int kind = random.nextInt(depth <= 0 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(10) - 2);
            case 3 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(400) - 200));
            case 4, 5 -> NODES.textNode(string());
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(value(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    // an unpaired surrogate in a name is written as it is and then refused by Jackson's own
                    // parser: the "valid" body would not be valid; UTF-8 encoding turns it into '?'
                    String name = new String(string().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                    object.set(name, value(depth - 1));
                }
                yield object;
            }
        };
    }

    /** Replaces, removes or adds a random member somewhere in {@code tree} (in place). */
    void mutate(JsonNode tree, List<String> likelyKeys) {
        if (tree instanceof ObjectNode object) {
            if (object.size() > 0 && random.nextBoolean()) {
                String key = nthKey(object, random.nextInt(object.size()));
                JsonNode child = object.get(key);
                if (child.isContainerNode() && random.nextBoolean()) {
                    mutate(child, likelyKeys);
                } else if (chance(3)) {
                    object.remove(key);
                } else {
                    object.set(key, value(3));
                }
            } else {
                object.set(random.nextBoolean() ? pick(likelyKeys) : string(), value(3));
            }
        } else if (tree instanceof ArrayNode array) {
            if (array.size() > 0 && random.nextBoolean()) {
                int index = random.nextInt(array.size());
                if (array.get(index).isContainerNode() && random.nextBoolean()) {
                    mutate(array.get(index), likelyKeys);
                } else {
                    array.set(index, value(3));
                }
            } else {
                array.add(value(3));
            }
        }
    }

    private static String nthKey(ObjectNode object, int n) {
        Iterator<String> names = object.fieldNames();
        for (int i = 0; i < n; i++) {
            names.next();
        }
        return names.next();
    }

    /** A byte-level mutation of {@code document}: flips, cuts, splices of JSON punctuation, garbage. */
    byte[] mutateBytes(byte[] document) {
        byte[] bytes = document.clone();
        int edits = 1 + random.nextInt(4);
        for (int edit = 0; edit < edits && bytes.length > 0; edit++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, at); // truncation
                case 2 -> bytes = splice(bytes, at, pick(List.of("{", "}", "[", "]", ",", ":", "\"", "null",
                        "1e99999", "-0", "\"\\u0000\"", "\\", "{\"x\":", "9".repeat(40), "[[[[[[[[[[")));
                case 3 -> bytes = splice(bytes, at, string());
                default -> {
                    int end = Math.min(bytes.length, at + random.nextInt(8));
                    byte[] cut = new byte[bytes.length - (end - at)];
                    System.arraycopy(bytes, 0, cut, 0, at);
                    System.arraycopy(bytes, end, cut, at, bytes.length - end);
                    bytes = cut;
                }
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, String insert) {
        byte[] add = insert.getBytes(StandardCharsets.UTF_8);
        byte[] result = new byte[bytes.length + add.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(add, 0, result, at, add.length);
        System.arraycopy(bytes, at, result, at + add.length, bytes.length - at);
        return result;
    }

    /** A valid instance of {@code type} (a wire record, or what its components hold) with random values (round-trips through {@link Json#write}). */
    Object instance(Type type, int depth) throws ReflectiveOperationException {
        if (type instanceof ParameterizedType generic) {
            Class<?> raw = (Class<?>) generic.getRawType();
            Type[] arguments = generic.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                List<Object> list = new ArrayList<>();
                for (int i = depth > 2 ? 0 : random.nextInt(3); i > 0; i--) {
                    list.add(instance(arguments[0], depth + 1));
                }
                return list;
            }
            if (Map.class.isAssignableFrom(raw)) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    map.put("K" + random.nextInt(100), instance(arguments[1], depth + 1));
                }
                return map;
            }
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            return string();
        }
        if (raw == int.class || raw == Integer.class) {
            return random.nextInt();
        }
        if (raw == long.class || raw == Long.class) {
            return random.nextLong();
        }
        if (raw == double.class || raw == Double.class) {
            return random.nextDouble() * 1e6;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return random.nextBoolean();
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        }
        if (JsonNode.class.isAssignableFrom(raw)) {
            return value(2);
        }
        if (raw.isRecord()) {
            RecordComponent[] components = raw.getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = instance(components[i].getGenericType(), depth + 1);
                types[i] = components[i].getType();
            }
            return raw.getDeclaredConstructor(types).newInstance(values);
        }
        throw new IllegalArgumentException("no sample for " + type);
    }
}
