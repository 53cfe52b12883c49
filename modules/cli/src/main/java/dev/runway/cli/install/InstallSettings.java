package dev.runway.cli.install;

import java.nio.file.Path;

/**
 * What to install, as the command line gave it. {@code root} is "/" for the running system; a directory for another
 * root (an image being prepared, a test). {@code image} may be null: no image to install, the prefix must have one.
 */
public record InstallSettings(
        Path root,
        String prefix,
        ConfigSource config,
        String apiUrl,
        String runnerName,
        String user,
        int uid,
        Path image,
        boolean start,
        boolean perUser,
        String home,
        DrainTime drainTime) {

    public boolean hostRoot() {
        return root.getParent() == null;
    }

    /** An absolute path of the installed system, under the root. */
    public Path under(String absolutePath) {
        return under(root, absolutePath);
    }

    public static Path under(Path root, String absolutePath) {
        return root.resolve(absolutePath.substring(1));
    }
}
