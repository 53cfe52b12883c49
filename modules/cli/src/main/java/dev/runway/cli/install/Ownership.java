package dev.runway.cli.install;

import java.io.IOException;
import java.util.Optional;

/**
 * Who should own a path, resolved when the step runs: the job user may only exist once an earlier step created it.
 */
public interface Ownership {
    /** Empty when the owner does not exist (yet). */
    Optional<FileOwner> resolve() throws IOException;

    String describe();

    static Ownership fixed(FileOwner owner, String name) {
        return new Ownership() {
            @Override
            public Optional<FileOwner> resolve() {
                return Optional.of(owner);
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }

    static Ownership root() {
        return fixed(FileOwner.ROOT, "root");
    }

    /** The user's uid and its primary group, or (macOS) a given group id. */
    static Ownership user(Accounts accounts, String user, Integer gidOverride, String groupName) {
        return new Ownership() {
            @Override
            public Optional<FileOwner> resolve() throws IOException {
                return accounts.find(user).map(a -> new FileOwner(a.uid(), gidOverride != null ? gidOverride : a.gid()));
            }

            @Override
            public String describe() {
                return user + ":" + groupName;
            }
        };
    }

    default FileOwner require() throws IOException {
        return resolve().orElseThrow(() -> new IOException("owner " + describe() + " does not exist"));
    }
}
