package dev.runway.pipeline.parameters;

import dev.runway.pipeline.yaml.Budget;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code << reference >>} substitution over a tree of nodes. A string that is exactly one reference becomes the
 * referenced value itself (a list of steps, an executor, a boolean), keeping the place the value was written, so an
 * error found later points there. Inside a longer string a reference becomes its text. {@code <<# x >>...<</ x >>}
 * keeps its text when x is truthy, {@code <<^ x >>...<</ x >>} when it is not; {@code \<<} writes {@code <<}.
 * Each pass resolves the references of one namespace (pipeline, parameters, matrix) and leaves the others as written.
 */
public final class Templates {
    private static final Pattern TAG = Pattern.compile("<<\\s*([#^/]?)\\s*([A-Za-z_][A-Za-z0-9_.\\-]*)\\s*>>");

    /** Values of one namespace. */
    public interface Resolver {
        /** True when {@code reference} belongs to this pass (others are left as written). */
        boolean handles(String reference);

        /** The value of a reference this pass handles, or null after reporting it unknown at {@code at}. */
        Node resolve(String reference, Source at);
    }

    private final Resolver resolver;
    private final Problems problems;
    private final Budget budget;

    public Templates(Resolver resolver, Problems problems, Budget budget) {
        this.resolver = resolver;
        this.problems = problems;
        this.budget = budget;
    }

    /** The node with every reference this pass handles replaced; unchanged subtrees are shared, not copied. */
    public Node substitute(Node node) {
        budget.spend(node.at());
        if (node instanceof Node.Scalar scalar) {
            return scalar.value() instanceof String text && text.contains("<<") ? string(text, scalar.at()) : node;
        }
        if (node instanceof Node.Seq seq) {
            List<Node> items = new ArrayList<>(seq.items().size());
            boolean changed = false;
            for (Node item : seq.items()) {
                Node done = substitute(item);
                changed |= done != item;
                items.add(done);
            }
            return changed ? new Node.Seq(items, seq.at()) : node;
        }
        Node.Mapping mapping = (Node.Mapping) node;
        Map<String, Node.Entry> entries = new LinkedHashMap<>();
        boolean changed = false;
        for (Node.Entry entry : mapping.entries().values()) {
            Node done = substitute(entry.value());
            changed |= done != entry.value();
            entries.put(entry.key(), done == entry.value() ? entry : new Node.Entry(entry.key(), entry.keyAt(), done));
        }
        return changed ? new Node.Mapping(entries, mapping.at()) : node;
    }

    /** Substitutes in one string; a lone reference yields the value node itself. */
    public Node string(String text, Source at) {
        Matcher whole = TAG.matcher(text.strip());
        if (whole.matches() && whole.group(1).isEmpty() && resolver.handles(whole.group(2))) {
            Node value = resolver.resolve(whole.group(2), at);
            if (value == null) {
                return new Node.Scalar("", "", at);
            }
            return value instanceof Node.Scalar scalar && scalar.at().file().startsWith("<")
                    ? new Node.Scalar(scalar.value(), scalar.raw(), at) // a value from outside the file: point here
                    : value;
        }
        List<Object> tokens = tokens(text);
        StringBuilder out = new StringBuilder();
        int[] index = {0};
        render(tokens, index, null, out, at);
        String result = out.toString();
        return result.equals(text) ? new Node.Scalar(text, text, at) : new Node.Scalar(result, result, at);
    }

    /** Text pieces (String) and tags ({@link Tag}) in order. */
    private List<Object> tokens(String text) {
        List<Object> tokens = new ArrayList<>();
        Matcher matcher = TAG.matcher(text);
        int last = 0;
        while (matcher.find()) {
            int start = matcher.start();
            if (start > 0 && text.charAt(start - 1) == '\\') {
                tokens.add(text.substring(last, start - 1));
                tokens.add(matcher.group());
            } else {
                tokens.add(text.substring(last, start));
                tokens.add(new Tag(matcher.group(1), matcher.group(2), matcher.group()));
            }
            last = matcher.end();
        }
        tokens.add(text.substring(last));
        return tokens;
    }

    private record Tag(String kind, String reference, String written) {}

    /** Renders tokens from index until the close tag of {@code section} (or the end). */
    private void render(List<Object> tokens, int[] index, String section, StringBuilder out, Source at) {
        while (index[0] < tokens.size()) {
            Object token = tokens.get(index[0]++);
            if (token instanceof String text) {
                out.append(text);
                continue;
            }
            Tag tag = (Tag) token;
            if (!resolver.handles(tag.reference())) {
                out.append(tag.written());
                continue;
            }
            switch (tag.kind()) {
                case "" -> {
                    Node value = resolver.resolve(tag.reference(), at);
                    if (value instanceof Node.Scalar scalar) {
                        out.append(scalar.text());
                    } else if (value != null) {
                        problems.error(at, "puts << " + tag.reference() + " >> inside a string, but it is "
                                + value.describe() + "; use it as the whole value");
                    }
                }
                case "#", "^" -> {
                    Node value = resolver.resolve(tag.reference(), at);
                    StringBuilder body = new StringBuilder();
                    render(tokens, index, tag.reference(), body, at);
                    boolean truthy = value != null && Truthiness.truthy(value);
                    if (truthy == tag.kind().equals("#")) {
                        out.append(body);
                    }
                }
                default -> {
                    if (tag.reference().equals(section)) {
                        return;
                    }
                    problems.error(at, "closes <</ " + tag.reference() + " >> without a matching <<# "
                            + tag.reference() + " >> or <<^ " + tag.reference() + " >>");
                }
            }
        }
        if (section != null) {
            problems.error(at, "opens a section for " + section + " but never closes it with <</ " + section + " >>");
        }
    }
}
