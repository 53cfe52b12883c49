package dev.runway.taskagent.circleci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestGlobTest {
    @TempDir
    Path dir;

    private void touch(String... files) throws Exception {
        for (String file : files) {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file);
        }
    }

    @Test
    void starStaysInASegmentDoubleStarCrossesThemAndBracesAlternate() throws Exception {
        touch("tests/unit/a_test.py", "tests/unit/deep/b_test.py", "tests/c_test.py", "tests/unit/x.txt",
                "spec/models/user_spec.rb", "spec/helper.rb", "src/Main.java", "src/MainTest.java");
        assertThat(TestGlob.files(List.of("tests/unit/*.py"), dir)).containsExactly("tests/unit/a_test.py");
        assertThat(TestGlob.files(List.of("tests/**/*_test.py"), dir)).containsExactly("tests/c_test.py",
                "tests/unit/a_test.py", "tests/unit/deep/b_test.py");
        assertThat(TestGlob.files(List.of("**/*.{rb,java}"), dir)).containsExactly("spec/helper.rb",
                "spec/models/user_spec.rb", "src/Main.java", "src/MainTest.java");
        assertThat(TestGlob.files(List.of("src/*Test.java", "./spec/**/*_spec.rb", "src/*Test.java"), dir))
                .containsExactly("src/MainTest.java", "spec/models/user_spec.rb");
        assertThat(TestGlob.files(List.of("tests/unit/[ab]_test.py", "tests/?_test.py"), dir)).containsExactly(
                "tests/unit/a_test.py", "tests/c_test.py");
        assertThat(TestGlob.files(List.of("tests/unit/[!a]*"), dir)).containsExactly("tests/unit/x.txt");
        assertThat(TestGlob.files(List.of("nowhere/**/*.py"), dir)).isEmpty();
        assertThat(TestGlob.files(List.of(dir + "/src/*.java"), dir)).containsExactly(dir + "/src/Main.java",
                dir + "/src/MainTest.java");
    }

    @Test
    void anUnclosedBraceIsNamed() {
        assertThatThrownBy(() -> TestGlob.files(List.of("src/{a,b"), dir)).hasMessageContaining("'{' is not closed");
    }
}
