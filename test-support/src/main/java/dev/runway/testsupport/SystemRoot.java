package dev.runway.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A temporary system root for {@code runway install --root}: the account files useradd edits, beside it a small
 * runtime image and a resource-class token file.
 */
public final class SystemRoot {
    /** The resource-class token in {@link #tokenFile}. */
    public static final String TOKEN = "rc-token-7f3a9c1e5b2d4f6a8c0e";

    public final Path root;
    public final Path image;
    public final Path tokenFile;

    /** A root at {@code temp/root}, an image at {@code temp/image} and a token file at {@code temp/token}. */
    public SystemRoot(Path temp) throws IOException {
        root = accounts(temp.resolve("root"));
        image = fakeImage(temp.resolve("image"), "one");
        tokenFile = tokenFile(temp, TOKEN);
    }

    /** Prepares {@code root} with the account files useradd edits (and the host's login.defs), as a real root has. */
    public static Path accounts(Path root) throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\n");
        Files.setPosixFilePermissions(etc.resolve("shadow"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(etc.resolve("gshadow"), PosixFilePermissions.fromString("rw-r-----"));
        // USERGROUPS_ENAB in login.defs: userdel removes the user's own group
        if (Files.isRegularFile(Path.of("/etc/login.defs"))) {
            Files.copy(Path.of("/etc/login.defs"), etc.resolve("login.defs"));
        }
        return root;
    }

    /** {@code dir/token} holding {@code token}, readable by its owner only, as an operator keeps it. */
    public static Path tokenFile(Path dir, String token) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The shape of a jlink image (bin/runway, bin/java, lib/modules); the copy logic does not care about content. */
    public static Path fakeImage(Path dir, String content) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("bin/runway"), "#!/bin/sh\necho runway " + content + "\n");
        Files.writeString(dir.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(dir.resolve("bin/runway"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(dir.resolve("lib/modules"), ("modules " + content).getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    /** Where an absolute system path lies in this root. */
    public Path at(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** Every path under the root with its size, mode and modification time: equal snapshots mean nothing changed. */
    public Map<String, String> snapshot() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                state.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir " + mode(p)
                        : Files.size(p) + " " + mode(p) + " " + Files.getLastModifiedTime(p).toMillis()
                                + (Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : ""));
            }
        }
        return state;
    }

    /** The permission bits of {@code p} itself (a link is not followed), as {@code rwxr-x---}. */
    public static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Whether the tests run as root (install tests that create users need it). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
