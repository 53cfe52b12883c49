package dev.runway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads YAML into {@link YamlNode}s that remember their line and column, with Jackson's streaming YAML parser.
 *
 * <p>Hostile input is bounded: the text is at most {@link #MAX_BYTES}, nesting at most {@link #MAX_DEPTH} levels,
 * and aliases ({@code *name}) are refused rather than expanded, so a "billion laughs" document cannot grow.
 * Parse errors never quote the text around them (it may hold the token): only the parser's one-line reason.
 */
final class YamlReader {
    static final int MAX_BYTES = 1024 * 1024;
    /** The configuration nests three levels (runner.ssh.advertise_addr); anything far deeper is not a config. */
    static final int MAX_DEPTH = 16;

    private static final YAMLFactory FACTORY = createFactory();

    private final String file;
    private final Findings findings;

    private YamlReader(String file, Findings findings) {
        this.file = file;
        this.findings = findings;
    }

    /**
     * Parses one YAML document. Returns null when the text is not usable YAML (the findings say why); an empty text
     * is an empty mapping.
     */
    static YamlNode read(String file, byte[] text, Findings findings) {
        if (text.length > MAX_BYTES) {
            findings.error(file, 0, 0, "", "is " + text.length + " bytes; a configuration file may hold at most "
                    + MAX_BYTES + " bytes");
            return null;
        }
        int tooDeep = firstBracketTooDeep(text);
        if (tooDeep >= 0) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < tooDeep; i++) {
                if (text[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            findings.error(file, line, tooDeep - lineStart + 1, "", "nests [ ] or { } more than " + MAX_DEPTH
                    + " levels deep; the configuration has at most three levels");
            return null;
        }
        return new YamlReader(file, findings).parse(text);
    }

    /**
     * The offset of the first flow bracket ([ or {) nested deeper than {@link #MAX_DEPTH}, or -1. Checked before
     * parsing because SnakeYAML's scanner reads a whole run of opening brackets before its first token, in time
     * quadratic in their number. Quoted text and comments are skipped; a stray quote only makes this miss brackets.
     */
    private static int firstBracketTooDeep(byte[] text) {
        int depth = 0;
        byte quote = 0;
        boolean comment = false;
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (comment) {
                comment = b != '\n';
            } else if (quote != 0) {
                if (b == '\\' && quote == '"') {
                    i++;
                } else if (b == quote) {
                    quote = 0;
                }
            } else if (b == '"' || b == '\'') {
                quote = b;
            } else if (b == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
                comment = true;
            } else if (b == '[' || b == '{') {
                if (++depth > MAX_DEPTH) {
                    return i;
                }
            } else if ((b == ']' || b == '}') && depth > 0) {
                depth--;
            }
        }
        return -1;
    }

    private YamlNode parse(byte[] text) {
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                return new YamlNode.Mapping(List.of(), 1, 1);
            }
            YamlNode root = readValue(parser, "", 1);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                findings.error(file, at.getLineNr(), at.getColumnNr(), "",
                        "holds a second YAML document (after ---); put the whole configuration in one document");
            }
            return root;
        } catch (TooDeep e) {
            findings.error(file, e.line, e.column, e.path, "is nested more than " + MAX_DEPTH
                    + " levels deep; the configuration has at most three (runner.ssh.advertise_addr)");
        } catch (IOException | YAMLException e) {
            if (!reportBadCharacter(e, text)) {
                reportSyntaxError(e);
            }
        }
        return null;
    }

    private YamlNode readValue(YAMLParser parser, String path, int depth) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw new TooDeep(path, line, column);
        }
        if (parser.isCurrentAlias()) {
            findings.error(file, line, column, path, "uses a YAML alias (*" + parser.getText()
                    + "); aliases and anchors are not supported here: write the value out");
            return new YamlNode.Null(line, column);
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readMapping(parser, path, depth, line, column);
            case START_ARRAY -> readSequence(parser, path, depth, line, column);
            case VALUE_STRING -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.STRING, line, column);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                    new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NUMBER, line, column);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.BOOLEAN, line, column);
            case VALUE_NULL -> new YamlNode.Null(line, column);
            default -> {
                // VALUE_EMBEDDED_OBJECT: a !!binary value; nothing in the configuration is binary.
                findings.error(file, line, column, path, "holds a binary (!!binary) value; write plain text");
                yield new YamlNode.Null(line, column);
            }
        };
    }

    private YamlNode readMapping(YAMLParser parser, String path, int depth, int line, int column) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLines = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonLocation keyAt = parser.currentTokenLocation();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            YamlNode value = readValue(parser, keyPath, depth + 1);
            Integer firstLine = firstLines.putIfAbsent(key, keyAt.getLineNr());
            if (firstLine != null) {
                findings.error(file, keyAt.getLineNr(), keyAt.getColumnNr(), keyPath,
                        "is given twice (first on line " + firstLine + "); keep one");
            } else {
                entries.add(new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
            }
        }
        return new YamlNode.Mapping(List.copyOf(entries), line, column);
    }

    private YamlNode readSequence(YAMLParser parser, String path, int depth, int line, int column) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, path + "[" + items.size() + "]", depth + 1));
        }
        return new YamlNode.Sequence(List.copyOf(items), line, column);
    }

    private void reportSyntaxError(Exception error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                findings.error(file, mark.getLine() + 1, mark.getColumn() + 1, "",
                        "is not valid YAML: " + marked.getProblem());
                return;
            }
            if (cause instanceof CharConversionException) {
                findings.error(file, 0, 0, "", "is not UTF-8 text; save it as UTF-8");
                return;
            }
        }
        if (error instanceof JsonProcessingException processing) {
            JsonLocation at = processing.getLocation();
            int line = at == null ? 0 : Math.max(0, at.getLineNr());
            int column = at == null ? 0 : Math.max(0, at.getColumnNr());
            findings.error(file, line, column, "", "is not valid YAML: " + processing.getOriginalMessage());
            return;
        }
        findings.error(file, 0, 0, "", "could not be read as YAML: " + error.getClass().getSimpleName());
    }

    /** The reader's refusal of a control character: it knows the offset only, so count lines up to it. */
    private boolean reportBadCharacter(Exception error, byte[] text) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ReaderException bad) {
                String decoded = new String(text, StandardCharsets.UTF_8);
                int line = 1;
                int column = 1;
                int offset = 0;
                for (int i = 0; i < decoded.length() && offset < bad.getPosition(); offset++) {
                    int codePoint = decoded.codePointAt(i);
                    i += Character.charCount(codePoint);
                    if (codePoint == '\n') {
                        line++;
                        column = 1;
                    } else {
                        column++;
                    }
                }
                findings.error(file, line, column, "", String.format("holds the control character U+%04X, "
                        + "which YAML does not allow; remove it", bad.getCodePoint()));
                return true;
            }
        }
        return false;
    }

    private static YAMLFactory createFactory() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(0);
        options.setNestingDepthLimit(MAX_DEPTH + 4);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowDuplicateKeys(true); // duplicates are reported with both lines by readMapping
        return YAMLFactory.builder()
                .loaderOptions(options)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "key:" with nothing after it is null, not ""
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH + 4)
                        .maxNumberLength(100)
                        .maxStringLength(MAX_BYTES)
                        .build())
                .build();
    }

    /** Unwinds the recursion when a document nests deeper than any configuration could. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String path;
        final int line;
        final int column;

        TooDeep(String path, int line, int column) {
            super(null, null, false, false);
            this.path = path;
            this.line = line;
            this.column = column;
        }
    }
}
