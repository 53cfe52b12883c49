package dev.runway.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The CSS and ES modules, from this module's resources (in the image, never from a CDN). */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of("dashboard.css", "text/css; charset=utf-8",
            "log.js", "text/javascript; charset=utf-8", "ansi.js", "text/javascript; charset=utf-8");

    private StaticFiles() {}

    static WebResponse serve(String name) {
        String type = TYPES.get(name);
        if (type == null) {
            return WebResponse.html(404, Html.page("Not found", null, "<p>No such file.</p>"));
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("static/" + name + " is missing from the dashboard module");
            }
            // they change only with the release: a browser may keep them for an hour
            return WebResponse.bytes(200, type, in.readAllBytes(), Map.of("Cache-Control", "max-age=3600"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
