package dev.runway.cli.install;

import java.nio.file.Path;

/**
 * What to install, as the command line gave it. {@code root} is "/" for the running system; a directory for another
 * root (an image being prepared, a test). {@code image} may be null: no image to install, the prefix must have one.
 * A {@code user} with {@code %d} is one user per slot: {@code slots} users, the slot number in place of {@code %d},
 * uids from {@code uid} on.
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
        DrainTime drainTime,
        int slots) {

    public InstallSettings {
        if (slots < 1) {
            throw new IllegalArgumentException("--slots must be at least 1, not " + slots);
        }
    }

    /** True when {@code user} names one user per slot ({@code circleci-%d}). */
    public boolean perSlotUsers() {
        return user.contains("%d");
    }

    /** The job users to create: {@code user}, or with {@code %d} one per slot (circleci-1..circleci-N). */
    public java.util.List<String> users() {
        if (!perSlotUsers()) {
            return java.util.List.of(user);
        }
        return java.util.stream.IntStream.rangeClosed(1, slots)
                .mapToObj(slot -> user.replace("%d", Integer.toString(slot))).toList();
    }

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
