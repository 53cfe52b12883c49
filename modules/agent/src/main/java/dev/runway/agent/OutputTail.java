package dev.runway.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The last lines of a task agent's output log, with every secret replaced, for an infrastructure-failure report. */
final class OutputTail {
    static final int MAX_LINES = 30;
    static final int MAX_BYTES = 16 * 1024;

    private OutputTail() {}

    /** Up to {@link #MAX_LINES} last lines (at most {@link #MAX_BYTES} read), secrets redacted; "" if none. */
    static String lastLines(Path log, Collection<String> secrets) {
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (size < length) {
                // Drop the partial first line (and a secret's cut-off start with it).
                int newline = text.indexOf('\n');
                text = newline < 0 ? "" : text.substring(newline + 1);
            }
            List<String> lines = Arrays.asList(text.split("\n", -1));
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines = lines.subList(0, lines.size() - 1);
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size());
            return redact(String.join("\n", last), secrets);
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Replaces every occurrence of each non-blank secret by ********. */
    static String redact(String text, Collection<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                result = result.replace(secret, "********");
            }
        }
        return result;
    }
}
