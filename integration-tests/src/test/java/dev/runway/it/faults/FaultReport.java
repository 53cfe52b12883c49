package dev.runway.it.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Appends one row per suite run to target/faults/results.md (the table docs/reliability.md copies from the last
 * long run) and prints it.
 */
final class FaultReport {
    static final Path RESULTS = Path.of("target", "faults", "results.md");

    private FaultReport() {}

    static void write(String suite, long seed, int rounds, FaultTally tally) throws IOException {
        String faults = tally.injected().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("; "));
        String row = "| " + Instant.now().toString().substring(0, 16) + " | " + suite + " | "
                + (FaultSeeds.longProfile() ? "long" : "short") + " | " + seed + " | " + rounds + " | " + tally.jobs()
                + " | " + tally.injectedTotal() + " (" + faults + ") | " + tally.checks() + " | "
                + tally.violations().size() + " |\n";
        Files.createDirectories(RESULTS.getParent());
        if (!Files.exists(RESULTS)) {
            Files.writeString(RESULTS, "| when (UTC) | suite | profile | seed | runs | jobs | faults injected | "
                    + "invariant checks | violated |\n|---|---|---|---|---|---|---|---|---|\n");
        }
        Files.writeString(RESULTS, row, StandardOpenOption.APPEND);
        System.out.print("[faults] result: " + row);
    }
}
