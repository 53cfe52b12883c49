package dev.runway.it.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A directory prepared as a system root for `runway install --root`: the account files useradd edits. */
final class TempRoot {
    private TempRoot() {}

    static Path create(Path root) throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\n");
        Files.setPosixFilePermissions(etc.resolve("shadow"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(etc.resolve("gshadow"), PosixFilePermissions.fromString("rw-r-----"));
        if (Files.isRegularFile(Path.of("/etc/login.defs"))) {
            Files.copy(Path.of("/etc/login.defs"), etc.resolve("login.defs"));
        }
        return root;
    }

    static Path tokenFile(Path dir, String token) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
