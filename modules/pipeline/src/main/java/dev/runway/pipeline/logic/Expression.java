package dev.runway.pipeline.logic;

import dev.runway.pipeline.parameters.Truthiness;
import dev.runway.pipeline.yaml.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A CircleCI expression such as {@code pipeline.git.branch == "main" or pipeline.git.tag starts-with "v"}: literals,
 * pipeline values and parameters, {@code == != < <= > >= starts-with ends-with contains matches in}, {@code and},
 * {@code or}, {@code not} and parentheses. Parsed once; evaluated against the values a {@link Function} gives.
 */
public final class Expression {
    private static final int MAX_DEPTH = 100;

    /** A parse or evaluation failure; the message says what and where in the expression. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private sealed interface Ast permits Literal, Variable, Unary, Binary, ListOf {}

    private record Literal(Object value) implements Ast {}

    private record Variable(String name) implements Ast {}

    private record Unary(Ast operand) implements Ast {}

    private record Binary(String operator, Ast left, Ast right) implements Ast {}

    private record ListOf(List<Ast> items) implements Ast {}

    private final Ast ast;
    private final String text;

    private Expression(Ast ast, String text) {
        this.ast = ast;
        this.text = text;
    }

    /** True when a string is meant as an expression rather than a plain truthy value. */
    public static boolean looksLikeExpression(String text) {
        String t = text.strip();
        return t.startsWith("pipeline.") || t.startsWith("not ") || t.startsWith("(") || t.contains("==")
                || t.contains("!=") || t.contains(" and ") || t.contains(" or ") || t.contains(" starts-with ")
                || t.contains(" ends-with ") || t.contains(" matches ") || t.contains(" contains ");
    }

    public static Expression parse(String text) throws Invalid {
        Parser parser = new Parser(tokenize(text));
        Ast ast = parser.or(0);
        if (parser.position < parser.tokens.size()) {
            throw new Invalid("unexpected '" + parser.tokens.get(parser.position) + "' in the expression");
        }
        return new Expression(ast, text);
    }

    /** The variables the expression names (pipeline.git.branch, ...). */
    public List<String> variables() {
        List<String> names = new ArrayList<>();
        collect(ast, names);
        return names;
    }

    private static void collect(Ast ast, List<String> names) {
        if (ast instanceof Variable v) {
            names.add(v.name());
        } else if (ast instanceof Unary u) {
            collect(u.operand(), names);
        } else if (ast instanceof Binary b) {
            collect(b.left(), names);
            collect(b.right(), names);
        } else if (ast instanceof ListOf l) {
            l.items().forEach(item -> collect(item, names));
        }
    }

    /** Evaluates to a boolean with CircleCI's truthiness; {@code values} gives a variable's value (or throws). */
    public boolean test(Function<String, Object> values, Source at) throws Invalid {
        return truthy(evaluate(ast, values, at));
    }

    public String text() {
        return text;
    }

    private Object evaluate(Ast node, Function<String, Object> values, Source at) throws Invalid {
        if (node instanceof Literal literal) {
            return literal.value();
        }
        if (node instanceof Variable variable) {
            return values.apply(variable.name());
        }
        if (node instanceof ListOf list) {
            List<Object> items = new ArrayList<>();
            for (Ast item : list.items()) {
                items.add(evaluate(item, values, at));
            }
            return items;
        }
        if (node instanceof Unary unary) {
            return !truthy(evaluate(unary.operand(), values, at));
        }
        Binary binary = (Binary) node;
        String op = binary.operator();
        if (op.equals("and")) {
            return truthy(evaluate(binary.left(), values, at)) && truthy(evaluate(binary.right(), values, at));
        }
        if (op.equals("or")) {
            return truthy(evaluate(binary.left(), values, at)) || truthy(evaluate(binary.right(), values, at));
        }
        return compare(op, evaluate(binary.left(), values, at), evaluate(binary.right(), values, at), at);
    }

    private static Object compare(String op, Object left, Object right, Source at) throws Invalid {
        switch (op) {
            case "==" -> {
                return same(left, right);
            }
            case "!=" -> {
                return !same(left, right);
            }
            case "starts-with", "ends-with", "contains", "matches" -> {
                if (!(left instanceof String l) || !(right instanceof String r)) {
                    return false; // null (no tag, no branch) never starts with anything
                }
                if (op.equals("matches")) {
                    String[] error = new String[1];
                    Pattern pattern = BoundedRegex.compile(r, error);
                    if (pattern == null) {
                        throw new Invalid("the pattern \"" + r + "\" is not a valid regular expression: " + error[0]);
                    }
                    return BoundedRegex.fullMatch(pattern, l, at);
                }
                return op.equals("starts-with") ? l.startsWith(r) : op.equals("ends-with") ? l.endsWith(r)
                        : l.contains(r);
            }
            case "in" -> {
                if (right instanceof List<?> list) {
                    for (Object item : list) {
                        if (same(left, item)) {
                            return true;
                        }
                    }
                    return false;
                }
                throw new Invalid("'in' needs a list on its right, like [\"main\", \"dev\"]");
            }
            default -> {
                if (!(left instanceof Number l) || !(right instanceof Number r)) {
                    throw new Invalid("'" + op + "' compares numbers, found " + left + " and " + right);
                }
                int c = Double.compare(l.doubleValue(), r.doubleValue());
                return switch (op) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
        }
    }

    /** Equality across number types (1 equals 1.0), as YAML values compare. */
    public static boolean same(Object left, Object right) {
        if (left instanceof Number l && right instanceof Number r) {
            return l.doubleValue() == r.doubleValue();
        }
        return Objects.equals(left, right);
    }

    public static boolean truthy(Object value) {
        return Truthiness.truthy(value);
    }

    private static final List<String> WORD_OPERATORS =
            List.of("and", "or", "not", "starts-with", "ends-with", "contains", "matches", "in");

    private static List<Object> tokenize(String text) throws Invalid {
        List<Object> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder s = new StringBuilder();
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != c) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    s.append(text.charAt(j++));
                }
                if (j >= text.length()) {
                    throw new Invalid("a string in the expression is not closed with " + c);
                }
                tokens.add(new Literal(s.toString()));
                i = j + 1;
            } else if (Character.isDigit(c) || c == '-' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
                int j = i + 1;
                while (j < text.length() && (Character.isDigit(text.charAt(j)) || text.charAt(j) == '.')) {
                    j++;
                }
                String number = text.substring(i, j);
                try {
                    tokens.add(new Literal(number.contains(".") ? (Object) Double.parseDouble(number)
                            : (Object) Long.parseLong(number)));
                } catch (NumberFormatException e) {
                    throw new Invalid("'" + number + "' is not a number");
                }
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || "_.-".indexOf(text.charAt(j)) >= 0)) {
                    j++;
                }
                String word = text.substring(i, j);
                switch (word) {
                    case "true" -> tokens.add(new Literal(Boolean.TRUE));
                    case "false" -> tokens.add(new Literal(Boolean.FALSE));
                    case "null" -> tokens.add(new Literal(null));
                    default -> tokens.add(WORD_OPERATORS.contains(word) ? word : new Variable(word));
                }
                i = j;
            } else {
                String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
                if (List.of("==", "!=", "<=", ">=").contains(two)) {
                    tokens.add(two);
                    i += 2;
                } else if ("()<>[],".indexOf(c) >= 0) {
                    tokens.add(String.valueOf(c));
                    i++;
                } else {
                    throw new Invalid("unexpected character '" + c + "' in the expression");
                }
            }
        }
        return tokens;
    }

    private static final class Parser {
        final List<Object> tokens;
        int position;

        Parser(List<Object> tokens) {
            this.tokens = tokens;
        }

        boolean at(String operator) {
            return position < tokens.size() && operator.equals(tokens.get(position));
        }

        Ast or(int depth) throws Invalid {
            Ast left = and(depth);
            while (at("or")) {
                position++;
                left = new Binary("or", left, and(depth));
            }
            return left;
        }

        Ast and(int depth) throws Invalid {
            Ast left = not(depth);
            while (at("and")) {
                position++;
                left = new Binary("and", left, not(depth));
            }
            return left;
        }

        Ast not(int depth) throws Invalid {
            if (depth > MAX_DEPTH) {
                throw new Invalid("the expression nests more than " + MAX_DEPTH + " levels deep");
            }
            if (at("not")) {
                position++;
                return new Unary(not(depth + 1));
            }
            Ast left = primary(depth);
            for (String op : List.of("==", "!=", "<=", ">=", "<", ">", "starts-with", "ends-with", "contains",
                    "matches", "in")) {
                if (at(op)) {
                    position++;
                    return new Binary(op, left, primary(depth));
                }
            }
            return left;
        }

        Ast primary(int depth) throws Invalid {
            if (position >= tokens.size()) {
                throw new Invalid("the expression ends where a value was expected");
            }
            Object token = tokens.get(position++);
            if ("(".equals(token)) {
                if (depth > MAX_DEPTH) {
                    throw new Invalid("the expression nests more than " + MAX_DEPTH + " levels deep");
                }
                Ast inner = or(depth + 1);
                expect(")");
                return inner;
            }
            if ("[".equals(token)) {
                List<Ast> items = new ArrayList<>();
                while (!at("]")) {
                    items.add(primary(depth + 1));
                    if (!at("]")) {
                        expect(",");
                    }
                }
                position++;
                return new ListOf(items);
            }
            if (token instanceof Ast ast) {
                return ast;
            }
            throw new Invalid("unexpected '" + token + "' where a value was expected");
        }

        void expect(String token) throws Invalid {
            if (!at(token)) {
                throw new Invalid("expected '" + token + "'" + (position < tokens.size()
                        ? " but found '" + tokens.get(position) + "'" : " at the end of the expression"));
            }
            position++;
        }
    }
}
