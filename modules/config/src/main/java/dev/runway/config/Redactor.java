package dev.runway.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every token value it knows of with {@link Secret#REDACTED} in problems and warnings: a token typed under
 * the wrong key, or a YAML error near it, must not put it on a terminal or in a log.
 */
final class Redactor {
    /** Shorter values are not redacted: they would mangle every message and are no secret anyway. */
    static final int MIN_LENGTH = 4;
    private static final String TOKEN_KEY = "auth_token";

    private final Set<String> secrets = new LinkedHashSet<>();

    void add(String secret) {
        if (secret != null) {
            String trimmed = secret.strip();
            if (trimmed.length() >= MIN_LENGTH) {
                secrets.add(trimmed);
            }
        }
    }

    /**
     * Adds whatever follows {@code auth_token:} in raw file text, found even when the YAML does not parse (a plain
     * scan: a regular expression here was the loader's slowest part on large input).
     */
    void addTokensIn(byte[] rawText) {
        String text = new String(rawText, StandardCharsets.UTF_8);
        for (int at = text.indexOf(TOKEN_KEY); at >= 0; at = text.indexOf(TOKEN_KEY, at + 1)) {
            int i = skipBlanks(text, at + TOKEN_KEY.length());
            if (i >= text.length() || text.charAt(i) != ':') {
                continue;
            }
            i = skipBlanks(text, i + 1);
            if (i < text.length() && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                i++;
            }
            int end = i;
            while (end < text.length() && !isTokenEnd(text.charAt(end))) {
                end++;
            }
            add(text.substring(i, end));
        }
    }

    private static int skipBlanks(String text, int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isTokenEnd(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '#';
    }

    String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        List<String> longestFirst = new ArrayList<>(secrets);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        String result = text;
        for (String secret : longestFirst) {
            result = result.replace(secret, Secret.REDACTED);
        }
        return result;
    }

    Problem redact(Problem problem) {
        return new Problem(redact(problem.file()), problem.line(), problem.column(), redact(problem.key()),
                redact(problem.message()));
    }
}
