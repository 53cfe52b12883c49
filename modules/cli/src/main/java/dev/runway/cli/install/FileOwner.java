package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Numeric owner and group of a file (uids, not names: names would be looked up on the host, not in --root). */
public record FileOwner(int uid, int gid) {
    public static final FileOwner ROOT = new FileOwner(0, 0);

    public static FileOwner of(Path path) throws IOException {
        return new FileOwner((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    }

    public void applyTo(Path path) throws IOException {
        if (!equals(of(path))) {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    @Override
    public String toString() {
        return uid + ":" + gid;
    }
}
