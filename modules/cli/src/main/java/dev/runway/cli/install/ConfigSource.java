package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the installed configuration comes from: a file to copy byte for byte, a token file, or what is there. */
public sealed interface ConfigSource {
    record CopyOf(Path file) implements ConfigSource {}

    record FromToken(Path tokenFile) implements ConfigSource {}

    record KeepExisting() implements ConfigSource {}

    /** The description used in output; never the content. */
    static String describe(ConfigSource source) {
        if (source instanceof CopyOf copy) {
            return "copied from " + copy.file();
        }
        if (source instanceof FromToken token) {
            return "generated from token file " + token.tokenFile() + "; token not shown";
        }
        return "kept";
    }

    static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("config file " + file + " does not exist or is not a regular file");
        }
        return Files.readAllBytes(file);
    }
}
