package dev.runway.it.distribution;

import com.github.luben.zstd.util.Native;
import dev.runway.taskagent.storage.Archives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link ZstdNativeImageTest} with the image's own {@code bin/java}: archives a file and extracts it again,
 * then says whether zstd-jni's native library was loaded.
 */
public final class ZstdProbe {
    private ZstdProbe() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        Path tree = Files.createDirectories(work.resolve("tree"));
        Files.write(tree.resolve("data"), new byte[100_000]);
        Archives.Written written = Archives.create(List.of(new Archives.Source(tree, "t")),
                work.resolve("a.tar.zst"));
        Archives.Summary restored = Archives.extract(written.file(), Map.of("t", work.resolve("out")));
        System.out.println("round trip: " + restored.files() + " files, " + restored.bytes() + " bytes");
        System.out.println("native zstd: " + Native.isLoaded());
    }
}
