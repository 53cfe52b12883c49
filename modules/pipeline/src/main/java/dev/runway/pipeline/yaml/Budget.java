package dev.runway.pipeline.yaml;

/** Counts nodes produced against a cap, so alias bombs and runaway expansion end in an error, not in memory. */
public final class Budget {
    private final int cap;
    private final String what;
    private int used;

    public Budget(int cap, String what) {
        this.cap = cap;
        this.what = what;
    }

    /** Counts one node produced at {@code at}; past the cap, throws {@link LimitExceeded} naming it. */
    public void spend(Source at) {
        if (++used > cap) {
            throw new LimitExceeded(at, what + " exceeds " + cap + " nodes (the cap on " + what + ")");
        }
    }
}
