package dev.runway.it.bench;

/**
 * One line of the table: a figure (median, min and max over repeated runs), the floor measured beside it in the
 * same run, their ratio, the target and whether it was met. {@code verdict} is PASS, MISS, SKIP (with the
 * reason in {@code note}) or INFO (a figure shown for context, without a target).
 */
record Row(String figure, String unit, Double median, Double min, Double max, int runs, String floor,
        Double floorMedian, Double ratio, String target, String verdict, String note) {

    static Row skipped(String figure, String target, String reason) {
        return new Row(figure, "", null, null, null, 0, "", null, null, target, "SKIP", reason);
    }

    static Row info(String figure, String unit, Stats stats, String note) {
        return new Row(figure, unit, stats.median(), stats.min(), stats.max(), stats.count(), "", null, null, "",
                "INFO", note);
    }

    /** A figure beside a floor it has no target against (INFO, with the ratio). */
    static Row infoBeside(String figure, String unit, Stats stats, String floor, Stats floorStats, String note) {
        Row row = measured(figure, unit, stats, floor, floorStats, "", true, note);
        return new Row(row.figure, unit, row.median, row.min, row.max, row.runs, floor, row.floorMedian, row.ratio, "",
                "INFO", note);
    }

    /** This row renamed, as context without a target (INFO). */
    Row asInfo(String newFigure, String newNote) {
        return new Row(newFigure, unit, median, min, max, runs, floor, floorMedian, ratio, "", "INFO", newNote);
    }

    /** A figure beside its floor; {@code met} decides PASS or MISS. */
    static Row measured(String figure, String unit, Stats stats, String floor, Stats floorStats, String target,
            boolean met, String note) {
        Double floorMedian = floorStats == null ? null : floorStats.median();
        Double ratio = floorMedian == null || floorMedian == 0 ? null : stats.median() / floorMedian;
        return new Row(figure, unit, stats.median(), stats.min(), stats.max(), stats.count(), floor, floorMedian,
                ratio, target, met ? "PASS" : "MISS", note);
    }
}
