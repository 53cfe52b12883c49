package dev.runway.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** HTML text: escaping, the page frame (navigation, sign-out form), and small formatting helpers. */
final class Html {
    private Html() {}

    /** Text for an element or a quoted attribute. */
    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A whole page: the frame with the navigation and, when signed in, the sign-out form. */
    static String page(String title, String csrf, String body, String... modules) {
        StringBuilder html = new StringBuilder(4096 + body.length());
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" · Runway</title>")
                .append("<link rel=\"stylesheet\" href=\"/ui/static/dashboard.css\">");
        for (String module : modules) {
            html.append("<script type=\"module\" src=\"/ui/static/").append(esc(module)).append("\"></script>");
        }
        html.append("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a><header><nav aria-label=\"Main\">")
                .append("<a class=\"brand\" href=\"/ui/projects\">Runway</a>");
        if (csrf != null) {
            html.append("<a href=\"/ui/projects\">Projects</a><a href=\"/ui/runners\">Runners</a>")
                    .append("<form method=\"post\" action=\"/ui/sign-out\" class=\"signout\">").append(csrfField(csrf))
                    .append("<button type=\"submit\">Sign out</button></form>");
        }
        html.append("</nav></header><main id=\"main\"");
        if (csrf != null) {
            // the ES modules send it as X-CSRF-Token with their actions
            html.append(" data-csrf=\"").append(esc(csrf)).append('"');
        }
        html.append("><h1>").append(esc(title)).append("</h1>").append(body).append("</main></body></html>\n");
        return html.toString();
    }

    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    }

    /** A form with one button that POSTs an action with the CSRF token. */
    static String action(String path, String label, String csrf, String cssClass) {
        return "<form method=\"post\" action=\"" + esc(path) + "\" class=\"inline\">" + csrfField(csrf)
                + "<button type=\"submit\" class=\"" + esc(cssClass) + "\">" + esc(label) + "</button></form>";
    }

    /** A status word as a coloured badge (the word itself is always shown: colour is never the only signal). */
    static String status(String status) {
        String value = status == null || status.isEmpty() ? "unknown" : status;
        return "<span class=\"status s-" + esc(value.replaceAll("[^a-z_]", "")) + "\">" + esc(value.replace('_', ' '))
                + "</span>";
    }

    /** "1m 05s" between two ISO-8601 instants; "" when the start is unknown; to now while running. */
    static String duration(String startIso, String stopIso) {
        if (startIso == null || startIso.isEmpty() || startIso.equals("null")) {
            return "";
        }
        try {
            Instant start = Instant.parse(startIso);
            Instant stop = stopIso == null || stopIso.isEmpty() || stopIso.equals("null") ? Instant.now()
                    : Instant.parse(stopIso);
            return millis(Duration.between(start, stop).toMillis());
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    static String millis(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (seconds < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format(java.util.Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** A shortened revision (first 8 characters). */
    static String shortRevision(String revision) {
        return revision == null ? "" : revision.length() > 8 ? revision.substring(0, 8) : revision;
    }
}
