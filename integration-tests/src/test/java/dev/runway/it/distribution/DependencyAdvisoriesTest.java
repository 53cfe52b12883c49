package dev.runway.it.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency check of the build: every artifact named in the repository's advisories.txt is at least the version
 * that fixed its advisory. The versions are those of the jars this test runs with (the same the image is linked
 * from). The OWASP plugin would need a database download; `./mvnw versions:display-dependency-updates` reports
 * newer releases without gating.
 */
class DependencyAdvisoriesTest {
    private static final Path ADVISORIES = Path.of("..", "advisories.txt");

    record Advisory(String group, String artifact, String fixedIn, String reference) {}

    @Test
    void noDependencyIsOlderThanTheReleaseThatFixedItsAdvisory() throws IOException {
        List<Advisory> advisories = advisories();
        assertThat(advisories).isNotEmpty();
        List<String> vulnerable = new ArrayList<>();
        for (Advisory advisory : advisories) {
            Optional<String> version = versionOnThePath(advisory.group(), advisory.artifact());
            assertThat(version).as("%s:%s is on the test's path", advisory.group(), advisory.artifact()).isPresent();
            if (compare(version.get(), advisory.fixedIn()) < 0) {
                vulnerable.add(advisory.group() + ":" + advisory.artifact() + " " + version.get() + " < "
                        + advisory.fixedIn() + " (" + advisory.reference() + ")");
            }
        }
        assertThat(vulnerable).as("dependencies older than the fix of a known advisory").isEmpty();
    }

    @Test
    void versionsCompareNumericallySegmentBySegment() {
        assertThat(compare("1.5.9", "1.5.25")).isNegative();
        assertThat(compare("1.5.38", "1.5.35")).isPositive();
        assertThat(compare("2.21.0", "2.21")).isZero();
        assertThat(compare("2.20.1", "2.21.0")).isNegative();
        assertThat(compare("2.4.240", "2.5.250")).isNegative();
    }

    static List<Advisory> advisories() throws IOException {
        List<Advisory> advisories = new ArrayList<>();
        for (String line : Files.readAllLines(ADVISORIES)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] fields = text.split("\\s+", 3);
            String[] coordinates = fields[0].split(":");
            advisories.add(new Advisory(coordinates[0], coordinates[1], fields[1], fields.length > 2 ? fields[2] : ""));
        }
        return advisories;
    }

    /** The version of group:artifact from its jar's place in the local repository (group/artifact/version/...). */
    static Optional<String> versionOnThePath(String group, String artifact) {
        Pattern jar = Pattern.compile(Pattern.quote(group.replace('.', '/') + "/" + artifact + "/") + "([^/]+)/"
                + Pattern.quote(artifact) + "-\\1\\.jar$");
        return Stream.of(System.getProperty("java.class.path", ""), System.getProperty("jdk.module.path", ""))
                .flatMap(path -> Stream.of(path.split(File.pathSeparator)))
                .map(entry -> entry.replace(File.separatorChar, '/'))
                .map(jar::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst();
    }

    /** Compares dotted versions numerically (1.5.9 < 1.5.25); missing segments count as 0, qualifiers are ignored. */
    static int compare(String a, String b) {
        String[] left = a.split("[.-]");
        String[] right = b.split("[.-]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int l = i < left.length ? number(left[i]) : 0;
            int r = i < right.length ? number(right[i]) : 0;
            if (l != r) {
                return Integer.compare(l, r);
            }
        }
        return 0;
    }

    private static int number(String segment) {
        Matcher digits = Pattern.compile("^\\d+").matcher(segment);
        return digits.find() ? Integer.parseInt(digits.group()) : 0;
    }
}
