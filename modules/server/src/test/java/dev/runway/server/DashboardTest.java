package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard as a browser meets it, over real HTTP: sign-in and its cookie, CSRF on actions, pause dispatch
 * through the API (a paused class's claim gets nothing), and live output as Server-Sent Events that resume from
 * Last-Event-ID.
 */
class DashboardTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path data;

    @Test
    void signInSetsAStrictHttpOnlyCookieAndRefusesUnknownTokens() throws Exception {
        try (TestServer server = new TestServer(data)) {
            HttpResponse<String> root = get(server, "/", null, null);
            assertThat(root.statusCode()).isEqualTo(303);
            assertThat(root.headers().firstValue("Location")).hasValue("/ui/sign-in");
            assertThat(get(server, "/ui/sign-in", null, null).body()).contains("<label for=\"token\">API token");

            HttpResponse<String> refused = post(server, "/ui/sign-in", null, "token=" + "f".repeat(64));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("does not know this token").doesNotContain("f".repeat(64));
            assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();

            String cookie = signIn(server);
            HttpResponse<String> projects = get(server, "/ui/projects", cookie, null);
            assertThat(projects.statusCode()).isEqualTo(200);
            assertThat(projects.body()).contains("No projects yet").doesNotContain(server.server.adminToken());
            assertThat(projects.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    csp -> assertThat(csp).contains("script-src 'self'"));

            // an action without the page's CSRF token is refused, and so is one from another site
            assertThat(post(server, "/ui/sign-out", cookie, "").statusCode()).isEqualTo(403);
            String csrf = csrf(projects.body());
            HttpRequest crossSite = HttpRequest.newBuilder(URI.create(server.server.uri() + "/ui/sign-out"))
                    .header("Cookie", cookie).header("Origin", "http://evil.example")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf)).build();
            assertThat(server.http.send(crossSite, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

            HttpResponse<String> out = post(server, "/ui/sign-out", cookie, "csrf=" + enc(csrf));
            assertThat(out.statusCode()).isEqualTo(303);
            assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(
                    c -> assertThat(c).contains("Max-Age=0"));
            assertThat(get(server, "/ui/projects", cookie, null).statusCode()).as("signed out").isEqualTo(303);
        }
    }

    @Test
    void pausingAClassFromTheRunnersPageStopsItsClaims() throws Exception {
        try (TestServer server = new TestServer(data)) {
            String rcToken = server.resourceClassToken();
            String rcId = server.admin.listResourceClasses("acme").items().get(0).id();
            server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "waits", "true"));
            String cookie = signIn(server);
            HttpResponse<String> runners = get(server, "/ui/runners", cookie, null);
            assertThat(runners.statusCode()).isEqualTo(200);
            assertThat(runners.body()).contains("acme/linux").contains("1 queued").contains("Pause dispatch");

            assertThat(post(server, "/ui/runners/" + rcId + "/pause", cookie, "csrf=" + enc(csrf(runners.body())))
                    .statusCode()).isEqualTo(303);
            assertThat(server.admin.dispatchPaused(rcId)).isTrue();
            assertThat(server.runner(rcToken).claim(TestServer.claimRequest("r1", 0))).as("paused: no task").isEmpty();
            assertThat(get(server, "/ui/runners", cookie, null).body()).contains("Resume dispatch")
                    .contains("<td class=\"runner-state\"><span class=\"status s-online\">online");

            assertThat(server.admin.setDispatchPaused(rcId, false)).isFalse();
            assertThat(server.runner(rcToken).claim(TestServer.claimRequest("r1", 5))).isPresent();
        }
    }

    @Test
    void liveOutputStreamsAndResumesFromTheLastEventId() throws Exception {
        try (TestServer server = new TestServer(data)) {
            String rcToken = server.resourceClassToken();
            JobsApi.JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(
                    TestServer.RESOURCE_CLASS, "live", "echo hi"));
            ClaimResponse claim = server.runner(rcToken).claim(TestServer.claimRequest("r1", 5)).orElseThrow();
            TaskClient task = server.runner(rcToken).forTask(claim);
            byte[] first = "\u001b[32mfirst\u001b[0m\n".getBytes(StandardCharsets.UTF_8);
            task.appendOutput(0, 0, first, first.length, 1);
            String cookie = signIn(server);
            String events = "/ui/jobs/gh/acme/repo/" + job.buildNum() + "/events/1/1";

            List<String[]> seen = new ArrayList<>();
            try (BufferedReader stream = open(server, events + "?offset=0", cookie, null)) {
                String[] event = next(stream);
                assertThat(event[0]).isEqualTo(Integer.toString(first.length));
                assertThat(Base64.getDecoder().decode(event[1])).isEqualTo(first);
                seen.add(event);
            }
            byte[] second = "second\n".getBytes(StandardCharsets.UTF_8);
            task.appendOutput(0, first.length, second, second.length, 2);
            // a reconnect sends the last id it saw: only what came after it arrives
            try (BufferedReader stream = open(server, events + "?offset=0", cookie, seen.get(0)[0])) {
                String[] event = next(stream);
                assertThat(new String(Base64.getDecoder().decode(event[1]), StandardCharsets.UTF_8))
                        .isEqualTo("second\n");
                assertThat(event[0]).isEqualTo(Integer.toString(first.length + second.length));
            }
            HttpResponse<String> range = get(server, "/ui/jobs/gh/acme/repo/" + job.buildNum() + "/log/1/1?from=5&to=12",
                    cookie, null);
            assertThat(range.body()).isEqualTo(new String(first, StandardCharsets.UTF_8).substring(5, 12));
        }
    }

    /** The next data event of a stream: {id, data}. */
    private static String[] next(BufferedReader stream) throws Exception {
        String id = null;
        String line;
        while ((line = stream.readLine()) != null) {
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ") && id != null) {
                return new String[] {id, line.substring(6)};
            }
        }
        throw new AssertionError("the stream ended without an event");
    }

    private static BufferedReader open(TestServer server, String path, String cookie, String lastEventId)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.server.uri() + path))
                .header("Cookie", cookie).timeout(Duration.ofSeconds(30)).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = server.http.send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    private static String signIn(TestServer server) throws Exception {
        HttpResponse<String> signedIn = post(server, "/ui/sign-in", null, "token=" + server.server.adminToken());
        assertThat(signedIn.statusCode()).isEqualTo(303);
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain("Secure")
                .doesNotContain(server.server.adminToken());
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("a CSRF field in the page").isTrue();
        return matcher.group(1);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(TestServer server, String path, String cookie, String ignored)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.server.uri() + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return server.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(TestServer server, String path, String cookie, String form)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.server.uri() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return server.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
