package dev.runway.pipeline.yaml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Problems found while compiling, each at a {@link Source}. Identical problems (one mistake met through several
 * expansions) are kept once, and the list stops growing at {@link #MAX} so a hostile file cannot fill memory.
 */
public final class Problems {
    public static final int MAX = 200;

    /** One problem: where, and what is wrong in words that say what to do. */
    public record Problem(Source at, String message) {}

    private final List<Problem> list = new ArrayList<>();
    private final Set<Problem> seen = new HashSet<>();

    public void error(Source at, String message) {
        Problem problem = new Problem(at, message);
        if (list.size() < MAX && seen.add(problem)) {
            list.add(problem);
        }
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    public List<Problem> list() {
        return List.copyOf(list);
    }

    /** " (did you mean X?)" for a mistyped name, or "". */
    public static String hint(String typed, Collection<String> candidates) {
        String closest = Suggestions.closest(typed, candidates);
        return closest == null ? "" : " (did you mean " + closest + "?)";
    }
}
