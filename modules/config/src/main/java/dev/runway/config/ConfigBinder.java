package dev.runway.config;

import dev.runway.protocol.GoDuration;
import dev.runway.protocol.LoopbackHosts;
import dev.runway.protocol.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns raw setting values into the typed, validated records, applying defaults, and records a problem for every
 * value that is wrong. Returns the configuration only when nothing was.
 */
final class ConfigBinder {
    static final int MAX_CONCURRENT_TASKS = 1024;
    private static final Pattern RUNNER_NAME = Pattern.compile("[A-Za-z0-9.()_-]+");
    private static final Pattern RESOURCE_CLASS = Pattern.compile("[a-z0-9_-]+/[A-Za-z0-9:_+-]+");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,10}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\\$?");
    private static final Pattern PLACEHOLDER_TOKEN =
            Pattern.compile("(AUTH_TOKEN|<.*>|(REPLACE|CHANGE|YOUR|INSERT)[_-].*)", Pattern.CASE_INSENSITIVE);
    /** Go's strconv.ParseBool words plus YAML 1.1's yes/no/on/off, which Go's YAML decoders accept for a bool. */
    private static final Set<String> TRUE = Set.of("1", "t", "true", "yes", "y", "on");
    private static final Set<String> FALSE = Set.of("0", "f", "false", "no", "n", "off");

    private final Map<Setting, RawValue> values;
    private final String defaultFile;
    private final Findings findings;
    private final Supplier<String> hostName;
    private final boolean strict;

    /**
     * @param defaultFile the file named in problems about a setting nobody set (the config file or "environment")
     * @param strict      what is only unsafe (plain http:// to another machine) is an error, not a warning
     */
    ConfigBinder(Map<Setting, RawValue> values, String defaultFile, Findings findings, Supplier<String> hostName,
            boolean strict) {
        this.values = values;
        this.defaultFile = defaultFile;
        this.findings = findings;
        this.hostName = hostName;
        this.strict = strict;
    }

    /** The configuration, or null when a problem was found (all of them are in the findings). */
    LaunchAgentConfig bind() {
        Api api = new Api(url(), token());
        Runner runner = runner();
        Logging logging = logging();
        Health health = new Health(hostPort(Setting.HEALTH_LISTEN, "", true));
        if (findings.hasErrors()) {
            return null;
        }
        checkWorkingDirectoryUse(runner);
        checkContainment(runner);
        checkSharedTaskUser(runner);
        return new LaunchAgentConfig(api, runner, logging, health);
    }

    private Runner runner() {
        return new Runner(
                runnerName(),
                commandPrefix(),
                workingDirectory(),
                bool(Setting.RUNNER_CLEANUP_WORKING_DIRECTORY, false),
                duration(Setting.RUNNER_MAX_RUN_TIME, Runner.DEFAULT_MAX_RUN_TIME, false),
                mode(),
                duration(Setting.RUNNER_IDLE_TIMEOUT, Duration.ZERO, true),
                bool(Setting.RUNNER_DISABLE_AUTO_UPDATE, false),
                choice(Setting.RUNNER_LAUNCHER, Runner.LAUNCHERS, Runner.DEFAULT_LAUNCHER),
                taskUser(),
                integer(Setting.RUNNER_MAX_CONCURRENT_TASKS, 1, 1, MAX_CONCURRENT_TASKS),
                duration(Setting.RUNNER_GRACE_PERIOD, Runner.DEFAULT_GRACE_PERIOD, true),
                hostPort(Setting.RUNNER_SSH_ADVERTISE_ADDR, null, false),
                duration(Setting.RUNNER_STANDBY_TIMEOUT, Runner.DEFAULT_STANDBY_TIMEOUT, true),
                sandbox(),
                passedEnvironment());
    }

    private Logging logging() {
        String file = text(Setting.LOGGING_FILE, Logging.STDERR);
        if (file.isBlank()) {
            error(Setting.LOGGING_FILE, "is empty; give a path, or \"-\" for standard error");
        } else if (file.contains("%")) {
            error(Setting.LOGGING_FILE, "may not hold %: rotated files are named FILE.1, FILE.2, ... by a "
                    + "pattern in which % has a meaning");
        }
        Logging.Level level = enumChoice(Setting.LOGGING_LEVEL, Logging.Level.class, Logging.Level.INFO);
        Logging.Format format = enumChoice(Setting.LOGGING_FORMAT, Logging.Format.class, Logging.Format.TEXT);
        long maxFileBytes = Logging.DEFAULT_MAX_FILE_BYTES;
        RawValue size = values.get(Setting.LOGGING_MAX_FILE_SIZE);
        if (size != null) {
            try {
                maxFileBytes = ByteSizes.parse(size.text());
            } catch (IllegalArgumentException e) {
                findings.error(size.origin(), "invalid size " + quote(size.text()) + ": " + e.getMessage());
            }
        }
        int maxFiles = integer(Setting.LOGGING_MAX_FILES, Logging.DEFAULT_MAX_FILES, 1, Logging.MAX_FILES_LIMIT);
        return new Logging(file, level, format, maxFileBytes, maxFiles);
    }

    private Secret token() {
        RawValue raw = values.get(Setting.API_AUTH_TOKEN);
        if (raw == null || raw.text().isBlank()) {
            Origin origin = raw == null ? new Origin(defaultFile, 0, 0, Setting.API_AUTH_TOKEN.key()) : raw.origin();
            findings.error(origin, "no API token supplied: set api.auth_token to the resource-class token, or "
                    + "LAUNCH_AGENT_API_AUTH_TOKEN / CIRCLECI_API_TOKEN in the environment");
            return Secret.of("");
        }
        String token = raw.text();
        if (!token.equals(token.strip()) || token.chars().anyMatch(Character::isWhitespace)) {
            findings.error(raw.origin(), "the token holds spaces or line breaks; paste it again, exactly");
        } else if (PLACEHOLDER_TOKEN.matcher(token).matches()) {
            findings.warn(raw.origin(), "looks like a placeholder, not a real token; the server will refuse it");
        }
        return Secret.of(token);
    }

    private String url() {
        RawValue raw = values.get(Setting.API_URL);
        if (raw == null) {
            return Api.DEFAULT_URL;
        }
        String text = raw.text().strip();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                findings.error(raw.origin(), quote(text) + " is not an http:// or https:// URL");
            } else if (uri.getHost() == null) {
                findings.error(raw.origin(), quote(text) + " has no host name");
            } else if (uri.getRawUserInfo() != null) {
                findings.error(raw.origin(), "must not hold a user name or password; the token authenticates");
            } else if (scheme.equals("http") && !LoopbackHosts.isLoopback(uri.getHost())) {
                String message = quote(text) + " is plain http:// to another machine: the token and the jobs' "
                        + "secrets would cross the network readable; use https:// (plain http:// only to a loopback "
                        + "address)";
                if (strict) {
                    findings.error(raw.origin(), message);
                } else {
                    findings.warn(raw.origin(), message + " (an error with config validate --strict)");
                }
            }
        } catch (URISyntaxException e) {
            findings.error(raw.origin(), "is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        return text;
    }

    private String runnerName() {
        RawValue raw = values.get(Setting.RUNNER_NAME);
        if (raw == null) {
            return hostName.get();
        }
        String name = raw.text();
        if (RESOURCE_CLASS.matcher(name).matches()) {
            findings.error(raw.origin(), "looks like a resource class (namespace/name); runner.name names this "
                    + "machine (use its host name) and the token alone decides the resource class");
        } else if (name.isEmpty()) {
            findings.error(raw.origin(), "is empty; leave it out to use the host name");
        } else if (!RUNNER_NAME.matcher(name).matches()) {
            int bad = firstMismatch(name);
            findings.error(raw.origin(), "may hold only letters, digits and . ( ) - _, but has "
                    + describeChar(name.codePointAt(bad)) + " at position " + (bad + 1));
        }
        return name;
    }

    private static int firstMismatch(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!RUNNER_NAME.matcher(name.substring(i, i + 1)).matches()) {
                return i;
            }
        }
        return 0;
    }

    private static String describeChar(int codePoint) {
        if (codePoint == ' ') {
            return "a space";
        }
        if (Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)) {
            return String.format("the character U+%04X", codePoint);
        }
        return "'" + new String(Character.toChars(codePoint)) + "'";
    }

    private List<String> commandPrefix() {
        RawValue raw = values.get(Setting.RUNNER_COMMAND_PREFIX);
        if (raw == null) {
            return List.of();
        }
        for (int i = 0; i < raw.items().size(); i++) {
            if (raw.items().get(i).isEmpty()) {
                findings.error(raw.origin(), "item " + i + " is an empty string; every item is an argument");
            }
        }
        return raw.items();
    }

    private List<String> sandbox() {
        RawValue raw = values.get(Setting.RUNNER_SANDBOX);
        if (raw == null) {
            return List.of();
        }
        for (String item : raw.items()) {
            if (!Runner.SANDBOX_RELAXATIONS.contains(item)) {
                findings.error(raw.origin(), quote(item) + " is not a protection to relax; list any of "
                        + String.join(", ", Runner.SANDBOX_RELAXATIONS) + " (none: everything protected)");
            }
        }
        return raw.items();
    }

    /** runner.environment: names of variables, each checked as one (a value given by mistake is named). */
    private List<String> passedEnvironment() {
        RawValue raw = values.get(Setting.RUNNER_ENVIRONMENT);
        if (raw == null) {
            return List.of();
        }
        for (String item : raw.items()) {
            try {
                Names.environmentName("item " + quote(item), item);
            } catch (IllegalArgumentException e) {
                findings.error(raw.origin(), e.getMessage() + (item.contains("=") ? "; list names only: the "
                        + "value comes from the agent's environment" : ""));
            }
        }
        return raw.items();
    }

    private String workingDirectory() {
        RawValue raw = values.get(Setting.RUNNER_WORKING_DIRECTORY);
        if (raw == null) {
            return Runner.DEFAULT_WORKING_DIRECTORY;
        }
        String directory = raw.text();
        int substitutions = count(directory, "%s");
        if (directory.isBlank()) {
            findings.error(raw.origin(), "is empty; give an absolute path such as /var/opt/runway/workdir/%s");
        } else if (!directory.startsWith("/")) {
            findings.error(raw.origin(), quote(directory) + " is not an absolute path");
        }
        if (substitutions > 1) {
            findings.error(raw.origin(), "holds %s " + substitutions + " times; at most one %s is replaced "
                    + "with the per-task value");
        }
        if (count(directory, "%") != substitutions) {
            findings.error(raw.origin(), "holds a % that is not part of %s; only %s is replaced (with the "
                    + "per-task value), any other % is a mistake");
        }
        return directory;
    }

    /** Warnings that need more than one setting: tasks sharing or deleting one directory. */
    private void checkWorkingDirectoryUse(Runner runner) {
        if (runner.workingDirectory().contains("%s")) {
            return;
        }
        RawValue raw = values.get(Setting.RUNNER_WORKING_DIRECTORY);
        Origin origin = raw != null ? raw.origin()
                : new Origin(defaultFile, 0, 0, Setting.RUNNER_WORKING_DIRECTORY.key());
        if (runner.maxConcurrentTasks() > 1) {
            findings.warn(origin, "has no %s, so the " + runner.maxConcurrentTasks() + " concurrent tasks "
                    + "(runner.max_concurrent_tasks) would share one directory; add /%s to give each its own");
        }
        if (runner.cleanupWorkingDirectory()) {
            findings.warn(origin, "has no %s and cleanup_working_directory is true: the whole directory "
                    + runner.workingDirectory() + " is removed after each task");
        }
    }

    /**
     * The process and macos launchers find a task's processes by session, parentage and an environment marker: a job
     * that leaves its session and scrubs its environment escapes them, unless the task user is dedicated and runs one
     * task at a time (then every process of that uid is the task's). Said here and again by the agent at start.
     */
    private void checkContainment(Runner runner) {
        if (!runner.launcher().equals("process") && !runner.launcher().equals("macos")) {
            return;
        }
        boolean sharedUser = runner.taskUser() == null || !runner.commandPrefix().isEmpty();
        if (!sharedUser && (runner.maxConcurrentTasks() == 1 || runner.perSlotTaskUser())) {
            return;
        }
        RawValue raw = values.get(Setting.RUNNER_LAUNCHER);
        Origin origin = raw != null ? raw.origin() : new Origin(defaultFile, 0, 0, Setting.RUNNER_LAUNCHER.key());
        String why = sharedUser ? (runner.commandPrefix().isEmpty() ? "tasks run as the agent's user (no "
                + "runner.task_user)" : "runner.command_prefix chooses the tasks' user") : "tasks share runner.task_user "
                + "across " + runner.maxConcurrentTasks() + " slots";
        findings.warn(origin, runner.launcher() + " cannot contain a job that scrubs its environment and leaves its "
                + "session (env -i setsid) while " + why + ": such a process outlives its task and can read later "
                + "tasks' environments. The systemd or subreaper launcher can contain it; so can a dedicated "
                + "runner.task_user with runner.max_concurrent_tasks: 1, or one user per slot (circleci-%d)");
    }

    /**
     * Tasks of one uid can read each other's /proc/PID/environ (their secrets) while they run; only the systemd
     * launcher hides other tasks' processes. One user per slot ({@code circleci-%d}) keeps them apart.
     */
    private void checkSharedTaskUser(Runner runner) {
        boolean sameUidLauncher = List.of("process", "subreaper", "macos").contains(runner.launcher());
        if (!sameUidLauncher || runner.taskUser() == null || runner.perSlotTaskUser()
                || runner.maxConcurrentTasks() == 1 || !runner.commandPrefix().isEmpty()) {
            return;
        }
        RawValue raw = values.get(Setting.RUNNER_TASK_USER);
        findings.warn(raw.origin(), "the " + runner.maxConcurrentTasks() + " slots (runner.max_concurrent_tasks) "
                + "share " + quote(runner.taskUser()) + " with the " + runner.launcher() + " launcher, so tasks "
                + "running at the same time can read each other (/proc/PID/environ holds their secrets); use "
                + "runner.task_user: " + runner.taskUser() + "-%d for one user per slot (runway install creates them)");
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    private Mode mode() {
        RawValue raw = values.get(Setting.RUNNER_MODE);
        if (raw == null) {
            return Mode.CONTINUOUS;
        }
        for (Mode mode : Mode.values()) {
            if (mode.yamlName().equals(raw.text().strip().toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        List<String> names = List.of(Mode.CONTINUOUS.yamlName(), Mode.SINGLE_TASK.yamlName());
        findings.error(raw.origin(), quote(raw.text()) + " is not a mode; use continuous or single-task"
                + Suggestions.hint(raw.text(), names));
        return Mode.CONTINUOUS;
    }

    private String taskUser() {
        RawValue raw = values.get(Setting.RUNNER_TASK_USER);
        if (raw == null) {
            return null;
        }
        String user = raw.text().strip();
        if (user.contains("%")) {
            checkSlotUser(raw, user);
        } else if (!USER_NAME.matcher(user).matches()) {
            findings.error(raw.origin(), quote(user) + " is not a user name (letters, digits, _ . -; "
                    + "at most 64 characters) nor a numeric uid");
        }
        return user;
    }

    /** {@code circleci-%d}: one {@code %d} in a name that is a user name once the slot number replaces it. */
    private void checkSlotUser(RawValue raw, String user) {
        String prefix = user.substring(0, Math.max(user.indexOf(Runner.SLOT_PLACEHOLDER), 0));
        boolean oneSlot = count(user, Runner.SLOT_PLACEHOLDER) == 1 && count(user, "%") == 1;
        if (!oneSlot || prefix.isEmpty() || !Character.isLetter(prefix.charAt(0))
                || !USER_NAME.matcher(user.replace(Runner.SLOT_PLACEHOLDER, "99")).matches()) {
            findings.error(raw.origin(), quote(user) + " is not a per-slot user name: use a user name with one %d "
                    + "for the slot number, such as circleci-%d (circleci-1, circleci-2, ... one per "
                    + "runner.max_concurrent_tasks slot)");
        }
    }

    private String choice(Setting setting, List<String> allowed, String fallback) {
        RawValue raw = values.get(setting);
        if (raw == null) {
            return fallback;
        }
        String value = raw.text().strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            findings.error(raw.origin(), quote(raw.text()) + " is not one of " + String.join(", ", allowed)
                    + Suggestions.hint(value, allowed));
            return fallback;
        }
        return value;
    }

    private <E extends Enum<E>> E enumChoice(Setting setting, Class<E> type, E fallback) {
        List<String> names = java.util.Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toList();
        String chosen = choice(setting, names, fallback.name().toLowerCase(Locale.ROOT));
        return Enum.valueOf(type, chosen.toUpperCase(Locale.ROOT));
    }

    private boolean bool(Setting setting, boolean fallback) {
        RawValue raw = values.get(setting);
        if (raw == null) {
            return fallback;
        }
        String text = raw.text().strip().toLowerCase(Locale.ROOT);
        if (TRUE.contains(text)) {
            return true;
        }
        if (!FALSE.contains(text)) {
            findings.error(raw.origin(), quote(raw.text()) + " is not a boolean; use true or false");
        }
        return false;
    }

    private int integer(Setting setting, int fallback, int min, int max) {
        RawValue raw = values.get(setting);
        if (raw == null) {
            return fallback;
        }
        String text = raw.text().strip();
        String range = "a whole number from " + min + " to " + max;
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            findings.error(raw.origin(), quote(raw.text()) + " is not " + range);
            return fallback;
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            findings.error(raw.origin(), text + " is out of range: expected " + range);
            return fallback;
        }
        return (int) value;
    }

    private Duration duration(Setting setting, Duration fallback, boolean zeroAllowed) {
        RawValue raw = values.get(setting);
        if (raw == null) {
            return fallback;
        }
        try {
            Duration duration = GoDuration.parse(raw.text().strip());
            if (duration.isZero() && !zeroAllowed) {
                findings.error(raw.origin(), "must be longer than 0 (the default is "
                        + GoDuration.format(fallback) + ")");
                return fallback;
            }
            return duration;
        } catch (IllegalArgumentException e) {
            String text = raw.text().strip();
            boolean plain = quote(text).equals("\"" + text + "\"");
            findings.error(raw.origin(), plain ? e.getMessage()
                    : "invalid duration " + quote(text) + "; use Go's form, e.g. 72h, 1h30m, 30s, 500ms, 1.5h");
            return fallback;
        }
    }

    /** "host:port" (host may be [ipv6]); for a listen address the host may be empty (all interfaces). */
    private String hostPort(Setting setting, String fallback, boolean listen) {
        RawValue raw = values.get(setting);
        if (raw == null) {
            return fallback;
        }
        String text = raw.text().strip();
        if (listen && text.isEmpty()) {
            return "";
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        String port = colon < 0 ? "" : text.substring(colon + 1);
        boolean hostOk = host.isEmpty() ? listen
                : host.startsWith("[") ? host.endsWith("]") && host.length() > 2
                : HOST.matcher(host).matches();
        boolean portOk = PORT.matcher(port).matches() && Integer.parseInt(port) <= 65535
                && (listen || Integer.parseInt(port) > 0);
        if (!hostOk || !portOk) {
            findings.error(raw.origin(), quote(raw.text()) + " is not host:port (e.g. "
                    + (listen ? "127.0.0.1:9797" : "203.0.113.7:54782") + ")");
        }
        return text;
    }

    /**
     * A value for a message: in quotes, control characters escaped, cut short when long (a pasted file, a token
     * under the wrong key) so one bad value cannot flood the output.
     */
    static String quote(String value) {
        String shown = value.length() > 60 ? value.substring(0, 50) + "... (" + value.length() + " characters)"
                : value;
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(codePoint -> {
            if (Character.isISOControl(codePoint) || codePoint == '"' || codePoint == '\\') {
                out.append(codePoint < 0x80 && !Character.isISOControl(codePoint) ? "\\" + (char) codePoint
                        : String.format("\\u%04X", codePoint));
            } else {
                out.appendCodePoint(codePoint);
            }
        });
        return out.append('"').toString();
    }

    private String text(Setting setting, String fallback) {
        RawValue raw = values.get(setting);
        return raw == null ? fallback : raw.text();
    }

    private void error(Setting setting, String message) {
        findings.error(values.get(setting).origin(), message);
    }
}
