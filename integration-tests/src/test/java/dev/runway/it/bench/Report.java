package dev.runway.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one table: printed as text, and written as JSON so that runs can be compared. */
final class Report {
    private static final String[] HEADER = {"Figure", "Median", "Min", "Max", "Unit", "Runs", "Floor",
        "Floor median", "Ratio", "Target", "Verdict"};

    private Report() {}

    static void print(PrintStream out, Map<String, Object> machine, List<Row> rows) {
        out.println();
        machine.forEach((key, value) -> out.println(key + ": " + value));
        out.println();
        String[][] cells = new String[rows.size() + 1][];
        cells[0] = HEADER;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            cells[i + 1] = new String[] {row.figure(), number(row.median()), number(row.min()), number(row.max()),
                row.unit(), row.runs() == 0 ? "" : Integer.toString(row.runs()), row.floor(),
                number(row.floorMedian()), row.ratio() == null ? "" : String.format(Locale.ROOT, "%.2fx", row.ratio()),
                row.target(), row.verdict()};
        }
        int[] widths = new int[HEADER.length];
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        for (int i = 0; i < cells.length; i++) {
            StringBuilder line = new StringBuilder("|");
            for (int c = 0; c < HEADER.length; c++) {
                line.append(' ').append(pad(cells[i][c], widths[c])).append(" |");
            }
            out.println(line);
            if (i == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int width : widths) {
                    rule.append("-".repeat(width + 2)).append('|');
                }
                out.println(rule);
            }
        }
        out.println();
        for (Row row : rows) {
            if (!row.note().isEmpty()) {
                out.println("- " + row.figure() + ": " + row.note());
            }
        }
    }

    static void writeJson(Path file, Map<String, Object> machine, List<Row> rows) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("machine", machine);
        document.put("rows", rows);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
    }

    private static String number(Double value) {
        if (value == null) {
            return "";
        }
        double magnitude = Math.abs(value);
        return String.format(Locale.ROOT, magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f", value);
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
