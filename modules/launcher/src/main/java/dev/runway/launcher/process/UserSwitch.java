package dev.runway.launcher.process;

import dev.runway.launcher.LaunchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How a task runs as {@code runner.task_user} when no {@code command_prefix} is configured: the guide's
 * {@code sudo -niHu USER --} where util-linux {@code setpriv} is missing (macOS), else setpriv (Linux: no login shell
 * or PAM session needed, so a system user without a shell works as well).
 */
public final class UserSwitch {
    private final String user;
    /** The task user's uid; -1 for no switch. */
    private final long uid;
    private final List<String> prefix;
    /** Environment the switch tool itself needs (setpriv keeps the caller's environment; sudo resets it). */
    private final Map<String, String> loginEnvironment;
    private final boolean resetsEnvironment;

    private UserSwitch(String user, long uid, List<String> prefix, Map<String, String> loginEnvironment,
            boolean resetsEnvironment) {
        this.user = user;
        this.uid = uid;
        this.prefix = List.copyOf(prefix);
        this.loginEnvironment = Map.copyOf(loginEnvironment);
        this.resetsEnvironment = resetsEnvironment;
    }

    /** No switch: the task runs as the agent's user. */
    public static UserSwitch none() {
        return new UserSwitch(null, -1, List.of(), Map.of(), false);
    }

    /**
     * The switch to {@code user}, checked now: the user must exist, and the agent must be root (unless the user is
     * the agent's own, which needs no switch).
     */
    public static UserSwitch to(String user) throws LaunchException {
        return to(user, Commands.output("id", "-u").orElse(""));
    }

    static UserSwitch to(String user, String agentUid) throws LaunchException {
        if (user == null || user.isBlank()) {
            return none();
        }
        Optional<String> uid = Commands.output("id", "-u", "--", user);
        if (uid.isEmpty()) {
            throw new LaunchException("runner.task_user '" + user + "' does not exist on this machine");
        }
        if (uid.get().equals(agentUid)) {
            return none();
        }
        if (!agentUid.equals("0")) {
            throw new LaunchException("runner.task_user is '" + user + "' but the launch agent runs as uid "
                    + agentUid + ", not root: only root can start tasks as another user (run the agent as root, or"
                    + " remove runner.task_user)");
        }
        // setpriv first (Linux): it needs neither a login shell nor PAM, so system users such as nobody work too;
        // sudo where there is no setpriv (macOS), in the guide's form.
        Optional<Path> setpriv = Commands.find("setpriv");
        if (setpriv.isPresent()) {
            return viaSetpriv(user, setpriv.get());
        }
        Optional<Path> sudo = Commands.find("sudo");
        if (sudo.isPresent()) {
            return viaSudo(user, Long.parseLong(uid.get()), sudo.get());
        }
        throw new LaunchException("runner.task_user is '" + user + "' but neither sudo nor setpriv is installed");
    }

    /** The guide's form: non-interactive, login shell, the user's HOME. */
    static UserSwitch viaSudo(String user, long uid, Path sudo) {
        return new UserSwitch(user, uid, List.of(sudo.toString(), "-niHu", user, "--"), Map.of(), true);
    }

    private static UserSwitch viaSetpriv(String user, Path setpriv) throws LaunchException {
        // getent passwd: name:password:uid:gid:gecos:home:shell
        String[] entry = Commands.output("getent", "passwd", user).map(line -> line.split(":", -1))
                .orElseThrow(() -> new LaunchException("runner.task_user '" + user + "': no passwd entry"));
        if (entry.length < 7) {
            throw new LaunchException("runner.task_user '" + user + "': malformed passwd entry");
        }
        List<String> prefix = List.of(setpriv.toString(), "--reuid=" + entry[2], "--regid=" + entry[3],
                "--init-groups", "--");
        Map<String, String> login = Map.of("HOME", entry[5], "USER", user, "LOGNAME", user,
                "SHELL", entry[6].isEmpty() ? "/bin/sh" : entry[6]);
        return new UserSwitch(user, Long.parseLong(entry[2]), prefix, login, false);
    }

    /** The task user, or null for none. */
    public String user() {
        return user;
    }

    /** The task user's uid, or -1 for none (tasks run as the agent's user). */
    public long uid() {
        return uid;
    }

    /**
     * The argv that runs {@code command} as the task user with {@code environment}, which the caller puts in the
     * switch tool's own environment. sudo resets the environment: it is told which names to keep
     * ({@code --preserve-env=NAMES}), so the values never appear in an argv that every process listing shows.
     */
    public List<String> wrap(List<String> command, Map<String, String> environment) {
        List<String> argv = new ArrayList<>(prefix);
        if (resetsEnvironment && !environment.isEmpty()) {
            argv.add(1, "--preserve-env=" + String.join(",", new TreeSet<>(environment.keySet())));
        }
        argv.addAll(command);
        return argv;
    }

    /** Variables to add to the process's own environment (the login variables setpriv does not set). */
    public Map<String, String> environment() {
        return loginEnvironment;
    }
}
