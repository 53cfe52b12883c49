package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"acme", "my-org", "org_2", "0"})
    void goodNamespaces(String name) {
        assertThat(Names.namespace("name", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "my org", "org.2", "a/b", ""})
    void badNamespaces(String name) {
        assertThatThrownBy(() -> Names.namespace("name", name)).hasMessageStartingWith("name: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme/linux", "acme/Linux-Large", "acme/a:b", "acme/gpu+cuda", "acme/x_y"})
    void goodResourceClasses(String name) {
        assertThat(Names.resourceClass("rc", name).toString()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux", "acme/", "/linux", "acme/a.b", "acme/a b", "acme/a/b", "Acme/linux"})
    void badResourceClasses(String name) {
        assertThatThrownBy(() -> Names.resourceClass("rc", name)).hasMessageStartingWith("rc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"box-1", "mac.mini(2)", "a_b"})
    void goodRunnerNames(String name) {
        assertThat(Names.runnerName("name", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme/linux", "box 1", "box:1", ""})
    void badRunnerNames(String name) {
        assertThatThrownBy(() -> Names.runnerName("name", name)).hasMessageStartingWith("name: ");
    }

    /** Ids go into request paths and logs: only the protocol's syntax passes, and a message shows the value safely. */
    @Test
    void idsAreLettersDigitsDashesAndUnderscores() {
        assertThat(Names.isId("3f2c9a7e-5b1d-4c2a-9e8f-0a1b2c3d4e5f")).isTrue();
        assertThat(Names.isId("task_1")).isTrue();
        assertThat(Names.isId("Z".repeat(64))).isTrue();
        for (String bad : new String[] {"", "..", "../x", "a b", "$(id)", "a/b", "a.b", "x".repeat(65), "\u00e9",
                "a\n", "a:b", "\u0661"}) {
            assertThat(Names.isId(bad)).as(bad).isFalse();
        }
        assertThat(Names.isId(null)).isFalse();
        assertThatThrownBy(() -> Names.id("task_id", "a\nb"))
                .hasMessage("task_id: \"a\\u000ab\" is not an id (1 to 64 letters, digits, '-' and '_')");
    }
}
