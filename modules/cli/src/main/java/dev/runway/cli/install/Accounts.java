package dev.runway.cli.install;

import java.io.IOException;
import java.util.Optional;

/** Looks up user accounts: in a root's /etc/passwd, through getent, or through dscl (macOS). */
public interface Accounts {
    Optional<Account> find(String name) throws IOException;
}
