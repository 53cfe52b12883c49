package dev.runway.pipeline.yaml;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads one YAML document into {@link Node}s with SnakeYAML's composer, which keeps an alias as a second reference
 * to its anchor's node: the copy made here counts every use against {@link Limits#MAX_YAML_NODES}, so an alias bomb
 * stops with an error naming the cap instead of growing. Merge keys ({@code <<: *x}) are applied here, YAML 1.1's
 * way: keys written in the mapping win over merged ones, and earlier merged mappings over later ones.
 */
public final class YamlLoader {
    private final String file;
    private final Problems problems;
    private final Budget budget = new Budget(Limits.MAX_YAML_NODES, "the YAML with its aliases expanded");
    private final IdentityHashMap<org.yaml.snakeyaml.nodes.Node, Boolean> open = new IdentityHashMap<>();
    private final Set<Source> anchors = new HashSet<>();

    /** A document read: its root (null when unreadable) and the places of the values that carry an anchor. */
    public record Document(Node root, Set<Source> anchors) {}

    private YamlLoader(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The document in {@code bytes}, or null when it cannot be read (the problems say where and why). */
    public static Node load(String file, byte[] bytes, Problems problems) {
        return read(file, bytes, problems).root();
    }

    /** The document in {@code bytes} with its anchors' places (a key holding only anchors is not a mistake). */
    public static Document read(String file, byte[] bytes, Problems problems) {
        if (bytes.length > Limits.MAX_FILE_BYTES) {
            problems.error(new Source(file, 0, 0), "is " + bytes.length + " bytes, over the cap of "
                    + Limits.MAX_FILE_BYTES + " bytes for one file");
            return new Document(null, Set.of());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.error(new Source(file, 0, 0), "is not UTF-8 text; save it as UTF-8");
            return new Document(null, Set.of());
        }
        int[] tooDeep = firstBracketTooDeep(text);
        if (tooDeep != null) {
            problems.error(new Source(file, tooDeep[0], tooDeep[1]), "nests [ ] or { } more than "
                    + Limits.MAX_DEPTH + " levels deep (the cap on nesting)");
            return new Document(null, Set.of());
        }
        YamlLoader loader = new YamlLoader(file, problems);
        return new Document(loader.parse(text), Set.copyOf(loader.anchors));
    }

    private Node parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(Integer.MAX_VALUE); // counted by the budget instead, with its cap named
        options.setNestingDepthLimit(Limits.MAX_DEPTH);
        options.setCodePointLimit(Limits.MAX_FILE_BYTES);
        options.setAllowRecursiveKeys(false);
        try {
            Composer composer = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options),
                    new Resolver(), options);
            org.yaml.snakeyaml.nodes.Node root = composer.getSingleNode();
            if (root == null) {
                return new Node.Scalar(null, "", new Source(file, 1, 1));
            }
            return convert(root, 0);
        } catch (LimitExceeded e) {
            problems.error(e.at(), e.getMessage());
        } catch (ReaderException e) {
            Source at = offsetToSource(text, e.getPosition());
            problems.error(at, String.format("holds the character U+%04X, which YAML does not allow; remove it",
                    e.getCodePoint()));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Source at = mark == null ? new Source(file, 0, 0) : at(mark);
            String problem = e.getProblem() == null ? "" : e.getProblem();
            if (problem.toLowerCase(Locale.ROOT).contains("nesting depth")) {
                problem = "nests more than " + Limits.MAX_DEPTH + " levels deep (the cap on nesting)";
            }
            problems.error(at, "is not valid YAML: " + problem);
        } catch (YAMLException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            if (message.toLowerCase(Locale.ROOT).contains("nesting depth")) {
                message = "nests more than " + Limits.MAX_DEPTH + " levels deep (the cap on nesting)";
            } else if (message.length() > 200) {
                message = message.substring(0, 200);
            }
            problems.error(new Source(file, 0, 0), "is not valid YAML: " + message);
        } catch (StackOverflowError e) {
            problems.error(new Source(file, 0, 0), "nests too deeply to read (the cap on nesting is "
                    + Limits.MAX_DEPTH + ")");
        }
        return null;
    }

    private Source at(Mark mark) {
        return new Source(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private Node convert(org.yaml.snakeyaml.nodes.Node node, int depth) {
        Source at = at(node.getStartMark());
        budget.spend(at);
        if (depth > Limits.MAX_DEPTH) {
            throw new LimitExceeded(at, "nests more than " + Limits.MAX_DEPTH
                    + " levels deep with its aliases expanded (the cap on nesting)");
        }
        if (open.containsKey(node)) {
            throw new LimitExceeded(at, "is an alias to a value that contains itself; YAML values must not be"
                    + " recursive");
        }
        if (node.getAnchor() != null) {
            anchors.add(at);
        }
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar, at);
        }
        open.put(node, Boolean.TRUE);
        try {
            if (node instanceof SequenceNode sequence) {
                List<Node> items = new ArrayList<>(sequence.getValue().size());
                for (org.yaml.snakeyaml.nodes.Node item : sequence.getValue()) {
                    items.add(convert(item, depth + 1));
                }
                return new Node.Seq(items, at);
            }
            return mapping((MappingNode) node, at, depth);
        } finally {
            open.remove(node);
        }
    }

    private Node.Mapping mapping(MappingNode node, Source at, int depth) {
        Map<String, Node.Entry> entries = new LinkedHashMap<>();
        List<Node> merged = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            org.yaml.snakeyaml.nodes.Node keyNode = tuple.getKeyNode();
            Source keyAt = at(keyNode.getStartMark());
            if (keyNode.getTag().equals(Tag.MERGE)) {
                merged.add(convert(tuple.getValueNode(), depth + 1));
                continue;
            }
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                problems.error(keyAt, "is a " + (keyNode instanceof SequenceNode ? "list" : "mapping")
                        + " used as a key; keys must be plain names");
                continue;
            }
            String key = keyScalar.getValue();
            Node value = convert(tuple.getValueNode(), depth + 1);
            Node.Entry first = entries.get(key);
            if (first != null) {
                problems.error(keyAt, "gives the key '" + key + "' a second time (first on line "
                        + first.keyAt().line() + "); keep one");
                continue;
            }
            entries.put(key, new Node.Entry(key, keyAt, value));
        }
        for (Node source : merged) {
            List<Node> sources = source instanceof Node.Seq seq ? seq.items() : List.of(source);
            for (Node one : sources) {
                if (one instanceof Node.Mapping mapping) {
                    mapping.entries().forEach(entries::putIfAbsent);
                } else {
                    problems.error(one.at(), "is merged with <<, but is " + one.describe()
                            + "; merge a mapping (<<: *anchor) or a list of mappings");
                }
            }
        }
        return new Node.Mapping(entries, at);
    }

    private static Node.Scalar scalar(ScalarNode scalar, Source at) {
        String raw = scalar.getValue();
        Tag tag = scalar.getTag();
        Object value = raw;
        if (tag.equals(Tag.NULL)) {
            value = null;
        } else if (tag.equals(Tag.BOOL)) {
            value = booleanOf(raw);
        } else if (tag.equals(Tag.INT)) {
            value = integerOf(raw);
        } else if (tag.equals(Tag.FLOAT)) {
            value = floatOf(raw);
        }
        return new Node.Scalar(value, raw, at);
    }

    /** YAML 1.1 booleans, the values CircleCI's parameters accept: true/yes/on/y and false/no/off/n, any case. */
    public static Boolean booleanOf(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y" -> Boolean.TRUE;
            case "false", "no", "off", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Object integerOf(String raw) {
        String text = raw.replace("_", "");
        try {
            int sign = 1;
            if (text.startsWith("-") || text.startsWith("+")) {
                sign = text.startsWith("-") ? -1 : 1;
                text = text.substring(1);
            }
            long magnitude;
            if (text.startsWith("0x")) {
                magnitude = Long.parseLong(text.substring(2), 16);
            } else if (text.startsWith("0b")) {
                magnitude = Long.parseLong(text.substring(2), 2);
            } else if (text.startsWith("0o")) {
                magnitude = Long.parseLong(text.substring(2), 8);
            } else if (text.length() > 1 && text.startsWith("0") && text.chars().allMatch(c -> c >= '0' && c <= '7')) {
                magnitude = Long.parseLong(text.substring(1), 8);
            } else if (text.contains(":")) {
                return raw; // sexagesimal (1:20): nobody means it in a CI config; keep the text
            } else {
                magnitude = Long.parseLong(text);
            }
            return sign * magnitude;
        } catch (NumberFormatException e) {
            return raw; // beyond a long: keep the text rather than lose digits
        }
    }

    private static Object floatOf(String raw) {
        String text = raw.replace("_", "").toLowerCase(Locale.ROOT);
        return switch (text) {
            case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
            case "-.inf" -> Double.NEGATIVE_INFINITY;
            case ".nan" -> Double.NaN;
            default -> {
                try {
                    yield text.contains(":") ? raw : Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield raw;
                }
            }
        };
    }

    private Source offsetToSource(String text, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0, seen = 0; i < text.length() && seen < offset; seen++) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (codePoint == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Source(file, line, column);
    }

    /**
     * Line and column of the first [ or { nested deeper than the cap, or null. Checked before parsing because the
     * scanner reads a whole run of opening brackets before its first token, in time quadratic in their number.
     */
    private static int[] firstBracketTooDeep(String text) {
        int depth = 0;
        char quote = 0;
        boolean comment = false;
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
                comment = false;
                continue;
            }
            if (comment) {
                continue;
            }
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
                comment = true;
            } else if (c == '[' || c == '{') {
                if (++depth > Limits.MAX_DEPTH) {
                    return new int[] {line, i - lineStart + 1};
                }
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        return null;
    }
}
