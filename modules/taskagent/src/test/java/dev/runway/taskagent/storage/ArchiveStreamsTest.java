package dev.runway.taskagent.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream forms of {@link Archives}: an archive written into and read out of streams its caller keeps open. */
class ArchiveStreamsTest {
    @TempDir
    Path temp;

    @Test
    void anArchiveGoesIntoAndComesOutOfOpenStreamsTellingWhatItPlaced() throws Exception {
        Path tree = Files.createDirectories(temp.resolve("tree/sub"));
        Files.writeString(tree.resolve("a.txt"), "a\n");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Archives.Summary written = Archives.create(List.of(new Archives.Source(tree.getParent(), "workspace")), bytes);
        assertThat(written.files()).isEqualTo(1);
        assertThat(closed[0]).as("the caller's stream stays open").isFalse();

        boolean[] inClosed = {false};
        FilterInputStream in = new FilterInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            public void close() {
                inClosed[0] = true;
            }
        };
        List<Path> placed = new ArrayList<>();
        Path out = temp.resolve("out");
        Archives.Summary read = Archives.extract(in, Map.of("workspace", out), placed::add);
        assertThat(read).isEqualTo(new Archives.Summary(3, 1, 2));
        assertThat(inClosed[0]).as("the caller's stream stays open").isFalse();
        assertThat(Files.readString(out.resolve("sub/a.txt"))).isEqualTo("a\n");
        assertThat(placed).containsExactlyInAnyOrder(out.resolve("sub").toRealPath(),
                out.resolve("sub/a.txt").toRealPath(), out.toRealPath().resolve("sub/link"));
    }
}
