package dev.runway.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns {@code runner.working_directory} into one task's directory. {@code %s} is replaced by a value derived from
 * the server's allocation that can never leave the parent directory, whatever the server sends: only
 * {@code [A-Za-z0-9._-]}, never "." or "..", bounded length, and the normalised result is checked to stay under the
 * parent. Without {@code %s} the path is used as it is (every task shares it).
 */
public final class WorkingDirectories {
    static final int MAX_VALUE_LENGTH = 64;
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern DOTS_ONLY = Pattern.compile("\\.*");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final String template;

    public WorkingDirectories(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("runner.working_directory is empty");
        }
        this.template = template;
    }

    /** Whether each task gets its own directory ({@code %s} present). */
    public boolean perTask() {
        return template.contains("%s");
    }

    /**
     * A value safe to use as one path component. Values that had to be changed (unsafe characters, too long, dots
     * only, empty) get a short hash of the original appended, so two different allocations stay two directories.
     */
    public static String safeValue(String allocation) {
        String original = allocation == null ? "" : allocation;
        String cleaned = UNSAFE.matcher(original).replaceAll("_");
        boolean changed = !cleaned.equals(original);
        if (DOTS_ONLY.matcher(cleaned).matches()) {
            return "task-" + shortHash(original);
        }
        if (!changed && cleaned.length() <= MAX_VALUE_LENGTH) {
            return cleaned;
        }
        // "-" and 12 hex digits of hash follow the kept prefix.
        int keep = Math.min(cleaned.length(), MAX_VALUE_LENGTH - 13);
        return cleaned.substring(0, keep) + "-" + shortHash(original);
    }

    /** The task's directory for the server's {@code allocation}; throws if it would not stay under the parent. */
    public Path resolve(String allocation) {
        if (!perTask()) {
            return Path.of(template).toAbsolutePath().normalize();
        }
        String value = safeValue(allocation);
        // The parent is what comes before the first component holding %s; the result must stay under it.
        int marker = template.indexOf("%s");
        int slash = template.lastIndexOf('/', marker);
        Path parent = Path.of(slash < 0 ? "." : slash == 0 ? "/" : template.substring(0, slash))
                .toAbsolutePath().normalize();
        Path resolved = Path.of(template.replace("%s", value)).toAbsolutePath().normalize();
        if (!resolved.startsWith(parent) || resolved.equals(parent)) {
            throw new IllegalStateException("working directory for allocation " + printable(allocation)
                    + " would leave " + parent);
        }
        return resolved;
    }

    /**
     * Creates the directory (and missing parents). The task's own directory is its owner's alone (0700): another
     * task, of another user, cannot read its checkout or write into it. When {@code taskUser} is set the directory is
     * owned by that user (and its group when a group of the same name exists), so the job can write there.
     */
    public static void create(Path directory, String taskUser) throws IOException {
        Files.createDirectories(directory);
        PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            view.setPermissions(OWNER_ONLY);
        }
        if (taskUser == null || taskUser.isBlank()) {
            return;
        }
        if (view == null) {
            throw new IOException("cannot give " + directory + " to " + taskUser + ": no POSIX file attributes");
        }
        UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user;
        try {
            user = lookup.lookupPrincipalByName(taskUser);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("runner.task_user \"" + taskUser + "\": no such user", e);
        }
        view.setOwner(user);
        try {
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(taskUser);
            view.setGroup(group);
        } catch (IOException noSuchGroup) {
            // Users without a same-named group keep the agent's group; owner rights are enough to work there.
        }
    }

    private static String shortHash(String value) {
        try {
            // The UTF-16 code units themselves: any charset encoder turns every lone surrogate into the same
            // replacement, so "\ud800" and "\udfff" would share a directory.
            byte[] units = new byte[value.length() * 2];
            for (int i = 0; i < value.length(); i++) {
                units[2 * i] = (byte) (value.charAt(i) >> 8);
                units[2 * i + 1] = (byte) value.charAt(i);
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(units);
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For error messages: the server's value, made printable and short. */
    private static String printable(String value) {
        String text = value == null ? "null" : UNSAFE.matcher(value).replaceAll("?");
        return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
    }
}
