package dev.runway.pipeline.yaml;

import java.util.Collection;
import java.util.Locale;

/** The closest known name to a mistyped one, by edit distance. */
final class Suggestions {
    private Suggestions() {}

    /** The nearest candidate within a third of the typed length (at least 2 edits), or null. */
    static String closest(String typed, Collection<String> candidates) {
        String lowered = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = levenshtein(lowered, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, typed.length() / 3) ? best : null;
    }

    private static int levenshtein(String a, String b) {
        if (a.length() > 80 || b.length() > 80) {
            return Integer.MAX_VALUE; // names are short; a long one is not a typo of a known name
        }
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
                        diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }
}
