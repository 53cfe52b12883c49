package dev.runway.taskagent.circleci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.RunnerApi.TestRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestSplitterTest {
    @Test
    void byTimingsEachNodeGetsAShareNearTheIdealAndEveryTestOnce() {
        Map<String, Double> timings = new HashMap<>();
        List<String> names = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < 40; i++) {
            String name = "tests/test_" + i + ".py";
            double seconds = 1 + (i * 7919 % 23); // uneven, 1 to 23 s
            timings.put(name, seconds);
            names.add(name);
            sum += seconds;
        }
        List<String> all = new ArrayList<>();
        for (int node = 0; node < 4; node++) {
            List<String> share = TestSplitter.byTimings(names, timings, null, node, 4);
            double total = share.stream().mapToDouble(timings::get).sum();
            assertThat(total).as("node %d", node).isBetween(sum / 4 * 0.8, sum / 4 * 1.2);
            all.addAll(share);
        }
        assertThat(all).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void aTestWithoutTimingWeighsTheAverageOrTheGivenDefault() {
        Map<String, Double> timings = Map.of("a", 10.0, "b", 30.0);
        // average 20: c (20) and a (10) end up together against b (30)
        assertThat(TestSplitter.byTimings(List.of("a", "b", "c"), timings, null, 0, 2)).containsExactly("b");
        assertThat(TestSplitter.byTimings(List.of("a", "b", "c"), timings, null, 1, 2)).containsExactly("a", "c");
        // with a default of 50, c alone is the heaviest
        assertThat(TestSplitter.byTimings(List.of("a", "b", "c"), timings, 50.0, 0, 2)).containsExactly("c");
        assertThat(TestSplitter.byTimings(List.of("./a"), timings, null, 0, 1)).containsExactly("./a");
    }

    @Test
    void timingsByFileClassnameOrTestName() {
        List<TestRecord> records = List.of(new TestRecord("t1", "pkg.A", "./src/a.py", "success", 1.5, "", "r"),
                new TestRecord("t2", "pkg.A", "src/a.py", "failure", 2.0, "", "r"),
                new TestRecord("t1", "pkg.B", "", "success", 4.0, "", "r"));
        assertThat(TestSplitter.timings(records, TestSplitter.TimingsType.FILENAME)).containsExactly(
                Map.entry("src/a.py", 3.5));
        assertThat(TestSplitter.timings(records, TestSplitter.TimingsType.CLASSNAME)).containsOnly(
                Map.entry("pkg.A", 3.5), Map.entry("pkg.B", 4.0));
        assertThat(TestSplitter.timings(records, TestSplitter.TimingsType.TESTNAME)).containsOnly(
                Map.entry("t1", 5.5), Map.entry("t2", 2.0));
    }

    @Test
    void byNameDealsTheSortedNames() {
        List<String> names = List.of("d", "a", "c", "b", "e");
        assertThat(TestSplitter.byName(names, 0, 2)).containsExactly("a", "c", "e");
        assertThat(TestSplitter.byName(names, 1, 2)).containsExactly("b", "d");
    }
}
