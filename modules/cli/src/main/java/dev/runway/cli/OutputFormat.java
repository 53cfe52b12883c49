package dev.runway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.protocol.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The output options of a list, show or status command: {@code -o table|json|yaml} (table by default) and
 * {@code -q} (the ids alone, one a line). JSON and YAML are the same document: the wire records of the API
 * ({@code dev.runway.protocol}) in their snake_case JSON, nulls left out, so a script reads what the API answers.
 *
 * <p>To use it in a command: add {@code @Mixin OutputFormat output;}, fetch the answer, then call
 * {@code output.print(out, document, ids, table -> ...)} with the document (a record, or a list of records for a
 * list command: a JSON array), the ids that {@code -q} prints (the same ids the other commands accept), and what
 * prints the table. Document the command's JSON shape in docs/cli.md.
 */
public final class OutputFormat {
    /** What {@code -o} takes. */
    public enum Format { table, json, yaml }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table, json or yaml (default: ${DEFAULT-VALUE}); json and yaml are the "
                    + "documented shapes of docs/cli.md.")
    Format format = Format.table;

    @Option(names = {"-q", "--quiet"}, description = "Print only the ids, one a line.")
    boolean quiet;

    /** Whether the table (or the command's usual prose) is wanted: neither -q nor -o json|yaml. */
    public boolean human() {
        return !quiet && format == Format.table;
    }

    /** Prints {@code document} as asked: its ids with {@code -q}, JSON or YAML with {@code -o}, else the table. */
    public void print(PrintWriter out, Object document, List<?> ids, Consumer<PrintWriter> table) {
        if (quiet) {
            ids.forEach(out::println);
        } else if (format == Format.json) {
            out.println(json(document));
        } else if (format == Format.yaml) {
            out.print(yaml(document));
        } else {
            table.accept(out);
        }
        out.flush();
    }

    /** The document as indented JSON: the API's JSON of its records. */
    static String json(Object document) {
        try {
            return Json.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The document as YAML: the same tree as {@link #json}, so the keys and values are the same. */
    static String yaml(Object document) {
        JsonNode tree = Json.mapper().valueToTree(document);
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as YAML", e);
        }
    }

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();
}
