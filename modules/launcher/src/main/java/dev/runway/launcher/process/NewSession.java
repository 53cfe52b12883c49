package dev.runway.launcher.process;

import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command that runs its arguments in a new session (and so a new process group): util-linux {@code setsid} on
 * Linux, a two-line Perl on macOS (which ships Perl but no setsid). The session lets the tracker recognise a
 * double-forked daemon that re-parented away from the task.
 */
public final class NewSession {
    private static final Logger LOG = LoggerFactory.getLogger(NewSession.class);
    private static final String PERL_SETSID = "use POSIX (); POSIX::setsid() or die \"setsid: $!\\n\";"
            + " exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";";

    private NewSession() {}

    static List<String> viaPerl(Path perl) {
        return List.of(perl.toString(), "-e", PERL_SETSID, "--");
    }

    /** The prefix to put before a command; empty (with a warning) when this machine has neither tool. */
    public static List<String> command() {
        var setsid = Commands.find("setsid");
        if (setsid.isPresent()) {
            // --wait: should setsid have to fork (it is a group leader), it still passes on the exit code.
            return List.of(setsid.get().toString(), "--wait");
        }
        var perl = Commands.find("perl");
        if (perl.isPresent()) {
            return viaPerl(perl.get());
        }
        LOG.warn("neither setsid nor perl found: tasks run in the launch agent's session; only descent tracks them");
        return List.of();
    }
}
