package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {

    @Test
    void namesNeverRepeatAndNameThisProcess() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(names.add(UniqueNames.next())).isTrue();
        }
        assertThat(UniqueNames.next()).startsWith(ProcessHandle.current().pid() + "-").matches("[0-9a-z-]+");
    }
}
