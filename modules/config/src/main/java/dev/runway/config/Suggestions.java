package dev.runway.config;

import java.util.Collection;

/** "Did you mean ...?" for a mistyped key: the closest candidate by edit distance, if it is close enough. */
final class Suggestions {
    private Suggestions() {}

    /**
     * A candidate that {@code typed} starts with or is the start of, else the one nearest by edit distance if within
     * a third of its length (at least 2); null when none is close. Case and - versus _ do not count.
     */
    static String closest(String typed, Collection<String> candidates) {
        String lowered = typed.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String normalized = candidate.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            if (lowered.length() >= 3 && normalized.length() >= 3
                    && (lowered.startsWith(normalized) || normalized.startsWith(lowered))) {
                return candidate; // "warning" for "warn", "runner.max" for "runner.max_run_time"
            }
            int distance = distance(lowered, normalized);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(2, typed.length() / 3);
        return bestDistance <= allowed ? best : null;
    }

    /** " (did you mean X?)" or "". */
    static String hint(String typed, Collection<String> candidates) {
        String closest = closest(typed, candidates);
        return closest == null ? "" : " (did you mean " + closest + "?)";
    }

    /** Levenshtein distance; inputs are keys, so the quadratic cost does not matter. Long inputs are capped. */
    static int distance(String a, String b) {
        if (a.length() > 64 || b.length() > 64) {
            return Math.abs(a.length() - b.length()) + Math.min(a.length(), b.length());
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
