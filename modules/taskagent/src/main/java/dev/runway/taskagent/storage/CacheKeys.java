package dev.runway.taskagent.storage;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CircleCI's cache key templates: {@code {{ .Branch }}}, {@code {{ .Revision }}}, {@code {{ .BuildNum }}},
 * {@code {{ .Environment.VAR }}}, {@code {{ checksum "FILE" }}} (base64 of the file's sha256), {@code {{ epoch }}}
 * and {@code {{ arch }}}. Anything else between braces is refused, naming it.
 */
public final class CacheKeys {
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.*?)}}");
    private static final Pattern CHECKSUM = Pattern.compile("checksum\\s+\"([^\"]+)\"");
    private static final Pattern ENVIRONMENT = Pattern.compile("\\.Environment\\.([A-Za-z_][A-Za-z0-9_]*)");

    /**
     * What templates read: the job's branch, revision, build number and environment, the directory {@code checksum}
     * files are relative to, and the time ({@code epoch}, seconds).
     */
    public record Context(String branch, String revision, long buildNum, Map<String, String> environment,
            Path directory, long epochSeconds) {}

    private CacheKeys() {}

    /** The key {@code template} stands for in {@code context}. */
    public static String render(String template, Context context) throws IOException {
        Matcher matcher = TEMPLATE.matcher(template);
        StringBuilder key = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(key, Matcher.quoteReplacement(value(matcher.group(1).strip(), template,
                    context)));
        }
        matcher.appendTail(key);
        return key.toString();
    }

    private static String value(String expression, String template, Context context) throws IOException {
        switch (expression) {
            case ".Branch":
                return context.branch() == null ? "" : context.branch();
            case ".Revision":
                return context.revision() == null ? "" : context.revision();
            case ".BuildNum":
                return Long.toString(context.buildNum());
            case "epoch":
                return Long.toString(context.epochSeconds());
            case "arch":
                return arch();
            default:
                break;
        }
        Matcher environment = ENVIRONMENT.matcher(expression);
        if (environment.matches()) {
            String value = context.environment().get(environment.group(1));
            return value == null ? "<no value>" : value; // as Go's templates print a missing map key
        }
        Matcher checksum = CHECKSUM.matcher(expression);
        if (checksum.matches()) {
            return checksum(context.directory().resolve(checksum.group(1)), template);
        }
        throw new IllegalArgumentException("cache key \"" + template + "\": unknown template {{ " + expression
                + " }} (known: .Branch, .Revision, .BuildNum, .Environment.NAME, checksum \"FILE\", epoch, arch)");
    }

    /** As CircleCI's {@code arch}: architecture and OS, e.g. {@code arch1-linux-amd64}. */
    static String arch() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin"
                : System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        arch = switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return "arch1-" + os + "-" + arch;
    }

    private static String checksum(Path file, String template) throws IOException {
        try {
            return Base64.getEncoder().encodeToString(Digests.sha256(file));
        } catch (NoSuchFileException e) {
            throw new IOException("cache key \"" + template + "\": checksum of " + file + ": no such file", e);
        }
    }
}
