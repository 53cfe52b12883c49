package dev.runway.cli.install;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Permission sets as the octal numbers people read (0600, 0755). */
final class Modes {
    private Modes() {}

    static String octal(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }
}
