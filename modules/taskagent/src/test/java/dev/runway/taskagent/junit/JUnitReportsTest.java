package dev.runway.taskagent.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.RunnerApi.TestRecord;
import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports of real producers (sources in reports/README.md beside them), malformed files and an XXE attempt. */
class JUnitReportsTest {
    private static Path reports() throws URISyntaxException {
        return Path.of(JUnitReportsTest.class.getResource("reports").toURI());
    }

    private static List<TestRecord> read(String file) throws Exception {
        JUnitReports.Reports reports = JUnitReports.read(reports().resolve(file));
        assertThat(reports.problems()).as("problems of %s", file).isEmpty();
        return reports.tests();
    }

    private static long count(List<TestRecord> tests, String result) {
        return tests.stream().filter(test -> result.equals(test.result())).count();
    }

    @Test
    void jestJunitGivesEachTestItsSuitesNamesAndTheFailureText() throws Exception {
        List<TestRecord> tests = read("jest-junit.xml");
        assertThat(tests).hasSize(6);
        assertThat(count(tests, "failure")).isEqualTo(4);
        assertThat(count(tests, "skipped")).isEqualTo(1);
        TestRecord failing = tests.get(1);
        assertThat(failing.name()).isEqualTo("Failing test");
        assertThat(failing.classname()).isEqualTo("Test 1 \u203a Test 1.1");
        assertThat(failing.runTime()).isEqualTo(0.002);
        assertThat(failing.message()).startsWith("Error: expect(received).toBeTruthy()");
        assertThat(failing.source()).isEqualTo("jest-junit.xml");
    }

    @Test
    void pytestXunit2AndXunit1WithItsFileAttribute() throws Exception {
        List<TestRecord> xunit2 = read("pytest.xml");
        assertThat(xunit2).hasSize(10);
        assertThat(count(xunit2, "failure")).isEqualTo(2);
        assertThat(count(xunit2, "skipped")).isEqualTo(2);
        assertThat(xunit2.get(5).message()).startsWith("assert False\ndef test_always_fail():");

        List<TestRecord> xunit1 = read("pytest-xunit1.xml");
        assertThat(xunit1).extracting(TestRecord::name, TestRecord::classname, TestRecord::file, TestRecord::result)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("test_adds", "test_sample", "test_sample.py", "success"),
                        org.assertj.core.groups.Tuple.tuple("test_fails", "test_sample", "test_sample.py", "failure"),
                        org.assertj.core.groups.Tuple.tuple("test_skipped", "test_sample", "test_sample.py",
                                "skipped"),
                        org.assertj.core.groups.Tuple.tuple("test_in_class", "test_sample.TestGroup",
                                "test_sample.py", "success"),
                        org.assertj.core.groups.Tuple.tuple("test_error_in_fixture", "test_sample.TestGroup",
                                "test_sample.py", "error"));
        assertThat(xunit1.get(1).message()).startsWith("AssertionError: assert 'runway' == 'circleci'");
    }

    @Test
    void goJunitReportPackagesAsSuitesAndAnEmptySuite() throws Exception {
        List<TestRecord> tests = read("go-junit-report.xml");
        assertThat(tests).extracting(TestRecord::name).containsExactly("TestPackage2", "TestPackage3-1",
                "TestPackage3-2", "TestPackage3-3", "TestPackage3-4");
        assertThat(tests).extracting(TestRecord::result).containsExactly("success", "failure", "success", "skipped",
                "failure");
        assertThat(tests.get(1).classname()).isEqualTo("github.com/company/package3");
        assertThat(tests.get(1).message()).isEqualTo("Failed\nJust error here");
        assertThat(tests.get(2).runTime()).isEqualTo(0.16);
    }

    @Test
    void surefireOfThisBuildAndPulsarsMergedReports() throws Exception {
        List<TestRecord> ours = read("surefire-TEST-dev.runway.taskagent.OutputRingTest.xml");
        assertThat(ours).hasSize(3).allSatisfy(test -> {
            assertThat(test.classname()).isEqualTo("dev.runway.taskagent.OutputRingTest");
            assertThat(test.result()).isEqualTo("success");
            assertThat(test.runTime()).isPositive();
        });

        List<TestRecord> pulsar = read("pulsar-surefire-merged.xml");
        // the counts its <testsuites> element declares: tests="808" failures="1" errors="0" skipped="14"
        assertThat(pulsar).hasSize(808);
        assertThat(count(pulsar, "failure")).isEqualTo(1);
        assertThat(count(pulsar, "error")).isZero();
        assertThat(count(pulsar, "skipped")).isEqualTo(14);
        assertThat(pulsar.stream().filter(test -> test.result().equals("failure")).findFirst().orElseThrow()
                .message()).startsWith("expected [1.2.1] but found [1.2.0]");
    }

    @Test
    void aDirectoryIsReadWholeAndAMalformedFileIsAProblemNotAFailure(@TempDir Path dir) throws Exception {
        Files.copy(reports().resolve("go-junit-report.xml"), Files.createDirectories(dir.resolve("go"))
                .resolve("report.xml"));
        Files.writeString(dir.resolve("broken.xml"), "<testsuite><testcase name=\"a\">\n</testsuite>");
        Files.writeString(dir.resolve("other.xml"), "<project/>");
        Files.writeString(dir.resolve("notes.txt"), "not a report and not .xml");
        JUnitReports.Reports reports = JUnitReports.read(dir);
        assertThat(reports.tests()).hasSize(5).allSatisfy(test -> assertThat(test.source()).isEqualTo(
                "go/report.xml"));
        assertThat(reports.files()).isEqualTo(3);
        assertThat(reports.problems()).extracting(JUnitReports.Problem::source).containsExactly("broken.xml",
                "other.xml");
        assertThat(reports.problems().get(0).message()).startsWith("not well-formed XML at line 2");
        assertThat(reports.problems().get(1).message()).contains("<project>");
    }

    @Test
    void anXxeAttemptIsRefusedAndReadsNothing(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        Files.writeString(dir.resolve("xxe.xml"), "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<testsuite><testcase name=\"&xxe;\" classname=\"c\"><failure message=\"&xxe;\">&xxe;</failure>"
                + "</testcase></testsuite>");
        JUnitReports.Reports reports = JUnitReports.read(dir.resolve("xxe.xml"));
        assertThat(reports.tests()).isEmpty();
        assertThat(reports.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.message()).contains("DOCTYPE is not allowed");
            assertThat(problem.message()).doesNotContain("TOP-SECRET");
        });
    }

    @Test
    void timesWithSeparatorsCommasOrNothing() throws Exception {
        assertThat(JUnitReports.seconds("1,234.5")).isEqualTo(1234.5);
        assertThat(JUnitReports.seconds("0,25")).isEqualTo(0.25);
        assertThat(JUnitReports.seconds("1,234,567")).isEqualTo(1234567);
        assertThat(JUnitReports.seconds(null)).isZero();
        assertThat(JUnitReports.seconds("soon")).isZero();
        assertThat(JUnitReports.seconds("-3")).isZero();
        List<TestRecord> tests = new ArrayList<>();
        JUnitReports.read(new ByteArrayInputStream(("<testsuites><testsuite name=\"outer\" file=\"spec/a_spec.rb\">"
                + "<testsuite name=\"inner\"><testcase name=\"t\" time=\"2,5\"/></testsuite></testsuite>"
                + "</testsuites>").getBytes(StandardCharsets.UTF_8)), "r.xml", tests);
        assertThat(tests).singleElement().satisfies(test -> {
            assertThat(test.file()).as("from the enclosing suite").isEqualTo("spec/a_spec.rb");
            assertThat(test.runTime()).isEqualTo(2.5);
        });
    }
}
