package dev.runway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The configuration file's permissions, checked as ssh's StrictModes checks its files: a token readable by others
 * leaks; a file others may write lets them choose the command the (often root) agent runs.
 */
final class FilePermissions {
    private FilePermissions() {}

    /**
     * What is unsafe about {@code file}, one sentence each; empty when nothing is (or the file system has no POSIX
     * permissions).
     *
     * @param holdsToken    whether the file holds api.auth_token
     * @param runningAsRoot whether this process runs as root (then the file must be root's too)
     */
    static List<String> check(Path file, boolean holdsToken, boolean runningAsRoot) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (UnsupportedOperationException | IOException e) {
            return List.of();
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        String mode = PosixFilePermissions.toString(permissions);
        List<String> issues = new ArrayList<>();
        if (holdsToken && (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ))) {
            issues.add("holds the token but is readable by group or others (" + mode + "); run: chmod 600 "
                    + file);
        }
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            issues.add("is writable by group or others (" + mode + "), who could change the command tasks run "
                    + "with; run: chmod go-w " + file);
        }
        String owner = attributes.owner().getName();
        if (runningAsRoot && !owner.equals("root")) {
            issues.add("is owned by " + owner + ", not root, while the agent runs as root; run: chown root "
                    + file);
        }
        return issues;
    }

    /** Whether this process runs as root (user.name comes from the real uid's passwd entry). */
    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
