package dev.runway.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the production classes of every module against {@link ArchitectureRules}, and proves each rule can fail: a
 * deliberately broken class per rule (test sources, package dev.runway.*.archviolation) must be reported.
 */
class ArchitectureTests {
    private static JavaClasses production;
    private static JavaClasses violations;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/test-support/")
                        && !location.contains("runway-test-support")) // the tests' fixtures, not production code
                .importPackages("dev.runway");
        violations = new ClassFileImporter().importPackages(ArchViolations.PACKAGES);
    }

    static Stream<Arguments> rules() {
        return ArchitectureRules.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Test
    void productionClassesOfEveryModuleAreImported() {
        for (String module : new String[] {"config", "protocol", "pipeline", "client", "launcher", "cli"}) {
            assertThat(production.stream().anyMatch(c -> c.getPackageName().startsWith("dev.runway." + module)))
                    .as("classes of dev.runway.%s imported", module).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void productionCodeFollows(String name, ArchRule rule) {
        rule.check(production);
    }

    @ParameterizedTest(name = "{0} fails on a violation")
    @MethodSource("rules")
    void ruleFailsWhenBroken(String name, ArchRule rule) {
        EvaluationResult result = rule.allowEmptyShould(true).evaluate(violations);
        assertThat(result.hasViolation()).as("rule '%s' reports its planted violation", name).isTrue();
    }

    @Test
    void everyRuleHasAPlantedViolation() {
        Map<String, ArchRule> rules = ArchitectureRules.all();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(17);
    }
}
