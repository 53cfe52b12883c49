package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.protocol.RunnerApi.TestRecord;
import dev.runway.protocol.RunnerApi.TestResults;
import dev.runway.taskagent.junit.JUnitReports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code store_test_results} step: reads the JUnit reports under its path, sends their records to the server in
 * batches, and answers what the step prints: a summary, every failed test, and each file that was not a report. A
 * missing path or a malformed file is reported, never a failure of the step (as CircleCI).
 */
final class StoreTestResults {
    /** Records per request at most. */
    static final int BATCH = 1000;
    /** About this many characters of text per request: well under the server's 4 MiB body limit. */
    static final int BATCH_CHARS = 1024 * 1024;
    private static final int LISTED_FAILURES = 100;

    private StoreTestResults() {}

    static String run(TaskClient client, int step, Path path) throws ApiException, InterruptedException {
        StringBuilder out = new StringBuilder("Storing test results from ").append(path).append('\n');
        if (!Files.exists(path)) {
            return out.append("No test results found: ").append(path).append(" does not exist.\n").toString();
        }
        JUnitReports.Reports reports;
        try {
            reports = JUnitReports.read(path);
        } catch (IOException e) {
            return out.append("Could not read the test results: ").append(e.getMessage()).append('\n').toString();
        }
        List<TestRecord> tests = reports.tests();
        int first = 0;
        while (first < tests.size()) {
            int end = first;
            long chars = 0;
            while (end < tests.size() && end - first < BATCH && (end == first || chars < BATCH_CHARS)) {
                chars += size(tests.get(end++));
            }
            client.storeTestResults(step, first, new TestResults(tests.subList(first, end)));
            first = end;
        }
        return out.append(summary(reports)).toString();
    }

    /** A record's JSON size, roughly (each text may double when escaped). */
    private static long size(TestRecord test) {
        return 200 + 2L * (length(test.name()) + length(test.classname()) + length(test.file())
                + length(test.message()) + length(test.source()));
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    static String summary(JUnitReports.Reports reports) {
        StringBuilder out = new StringBuilder();
        long passed = count(reports.tests(), "success");
        long failed = count(reports.tests(), "failure");
        long errors = count(reports.tests(), "error");
        long skipped = count(reports.tests(), "skipped");
        double seconds = reports.tests().stream().mapToDouble(TestRecord::runTime).sum();
        out.append(String.format(Locale.ROOT, "%d tests in %d file(s): %d passed, %d failed, %d errors, %d skipped"
                + " (%.3f s)%n", reports.tests().size(), reports.files(), passed, failed, errors, skipped, seconds));
        int listed = 0;
        for (TestRecord test : reports.tests()) {
            if (!"failure".equals(test.result()) && !"error".equals(test.result())) {
                continue;
            }
            if (listed++ == LISTED_FAILURES) {
                out.append("  ... and ").append(failed + errors - LISTED_FAILURES).append(" more\n");
                break;
            }
            out.append(test.result().equals("error") ? "ERROR  " : "FAILED ").append(qualified(test));
            if (test.file() != null && !test.file().isEmpty()) {
                out.append(" (").append(test.file()).append(')');
            }
            String first = test.message() == null ? "" : test.message().strip().lines().findFirst().orElse("");
            if (!first.isEmpty()) {
                out.append(": ").append(first.length() > 200 ? first.substring(0, 197) + "..." : first);
            }
            out.append('\n');
        }
        for (JUnitReports.Problem problem : reports.problems()) {
            out.append("Not stored: ").append(problem.source()).append(": ").append(problem.message()).append('\n');
        }
        return out.toString();
    }

    private static String qualified(TestRecord test) {
        return test.classname() == null || test.classname().isEmpty() ? test.name()
                : test.classname() + " " + test.name();
    }

    private static long count(List<TestRecord> tests, String result) {
        return tests.stream().filter(test -> result.equals(test.result())).count();
    }
}
