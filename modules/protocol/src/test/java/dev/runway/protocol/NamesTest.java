package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
