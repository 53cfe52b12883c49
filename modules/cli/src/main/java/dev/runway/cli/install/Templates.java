package dev.runway.cli.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The service files (unit, plists) with {{NAME}} placeholders; config-samples/ holds them rendered with defaults. */
public final class Templates {
    public static final String SYSTEMD_UNIT = "runway.service";
    public static final String LAUNCH_DAEMON = "com.runway.runner.plist";
    public static final String LAUNCH_AGENT = "com.runway.runner.user.plist";

    private Templates() {}

    public static String render(String template, Map<String, String> values) {
        String text = load(template);
        boolean xml = template.endsWith(".plist");
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String value = xml ? escapeXml(entry.getValue()) : entry.getValue();
            text = text.replace("{{" + entry.getKey() + "}}", value);
        }
        int left = text.indexOf("{{");
        if (left >= 0) {
            throw new IllegalStateException(template + ": no value for " + text.substring(left, text.indexOf("}}", left) + 2));
        }
        return text;
    }

    private static String load(String template) {
        try (InputStream in = Templates.class.getResourceAsStream(template)) {
            if (in == null) {
                throw new IllegalStateException("template " + template + " is missing from the runway image");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escapeXml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
