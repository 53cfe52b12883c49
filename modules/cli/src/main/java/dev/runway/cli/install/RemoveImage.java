package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Removes the runtime image at the prefix: jlink's top-level entries (bin, lib, ...). Files the user added there
 * (a launch-task script) stay, and so does the directory while it holds them.
 */
public final class RemoveImage implements Step {
    private final Path prefix;
    private final String shownPrefix;

    public RemoveImage(Path prefix, String shownPrefix) {
        this.prefix = prefix;
        this.shownPrefix = shownPrefix;
    }

    @Override
    public String describe() {
        return "remove the runtime image at " + shownPrefix + " (files of your own there stay)";
    }

    @Override
    public boolean isDone() {
        // Both markers: a removal interrupted after bin/ still counts as not done.
        return !Files.exists(prefix.resolve("bin/runway")) && !Files.exists(prefix.resolve("lib/modules"));
    }

    @Override
    public void apply() throws IOException {
        for (String entry : RuntimeImage.TOP_LEVEL) {
            Path path = prefix.resolve(entry);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                new RemoveTree(path, shownPrefix + "/" + entry, "", RemoveTree.anything()).apply();
            }
        }
        try (Stream<Path> rest = Files.list(prefix)) {
            if (rest.findAny().isEmpty()) {
                Files.delete(prefix);
            }
        }
    }
}
