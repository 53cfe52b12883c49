package dev.runway.it.faults;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The suite's knobs: {@code -Drunway.faults.seed=N} reproduces a run (the seed is always printed),
 * {@code -Drunway.faults.long=true} turns on the long profile, {@code -Drunway.faults.rounds=N} sizes it.
 */
final class FaultSeeds {
    private FaultSeeds() {}

    static boolean longProfile() {
        return Boolean.getBoolean("runway.faults.long");
    }

    static int rounds(int defaultRounds) {
        return Integer.getInteger("runway.faults.rounds", defaultRounds);
    }

    /**
     * The seed of this run, printed so that a failure can be replayed: the given one, else a new one in the long
     * profile, else {@code ciSeed} (CI runs the same inputs every time; thread timing still varies).
     */
    static long seed(String suite, long ciSeed) {
        String given = System.getProperty("runway.faults.seed", "");
        long seed = !given.isBlank() ? Long.parseLong(given)
                : longProfile() ? System.nanoTime() ^ Double.doubleToLongBits(Math.random()) : ciSeed;
        System.out.println("[faults] " + suite + " seed: " + seed + " (reproduce with -Drunway.faults.seed=" + seed
                + (longProfile() ? " -Drunway.faults.long=true" : "") + ")");
        return seed;
    }

    /** A directory for one run under target/faults (kept: logs and data for a post-mortem). */
    static Path home(String suite, long seed) throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "faults", suite + "-" + Long.toHexString(seed) + "-"
                + System.currentTimeMillis()).toAbsolutePath());
    }
}
