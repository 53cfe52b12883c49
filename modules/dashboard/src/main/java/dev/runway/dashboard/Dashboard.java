package dev.runway.dashboard;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ProxySettings;
import dev.runway.client.TlsTrust;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard: {@code /} and {@code /ui/...}. Pages render on the dashboard's own threads (each reads the
 * server's API, which can take a moment), live output streams on a bounded set of further threads; the server's
 * HTTP threads never wait for either. Every action is a POST with the session's CSRF token.
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    /** Live output streams open at once; one more is refused (503) rather than starving the pages. */
    static final int MAX_STREAMS = 64;
    private final Sessions sessions;
    private final HttpTransport transport;
    private final Pages pages;
    private final ExecutorService pageThreads;
    private final ExecutorService streamThreads;

    public Dashboard(DashboardSettings settings) {
        this(settings, Clock.systemUTC());
    }

    Dashboard(DashboardSettings settings, Clock clock) {
        this.sessions = new Sessions(clock);
        // the server's own API on loopback: never through a proxy of the environment
        this.transport = new HttpTransport(settings.api(), Duration.ofSeconds(30), ProxySettings.NONE,
                settings.serverCertificate() == null ? TlsTrust.fromEnvironment()
                        : TlsTrust.pinned(settings.serverCertificate()));
        this.pages = new Pages(settings, clock);
        this.pageThreads = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(500),
                threads("runway-dashboard"));
        this.streamThreads = new ThreadPoolExecutor(0, MAX_STREAMS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("runway-dashboard-live"));
    }

    /** Whether the path is the dashboard's ({@code /} or under {@code /ui}): everything else is the API's. */
    public static boolean serves(String path) {
        return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/");
    }

    /**
     * The API token a signed-in browser's session holds: the server lets such a browser download an artifact with its
     * session cookie, since a download link cannot carry a token header.
     */
    public Optional<String> sessionToken(WebRequest request) {
        return sessions.find(request).map(session -> session.token);
    }

    /** Whether the request comes from a signed-in browser (a live session cookie). */
    public boolean signedIn(WebRequest request) {
        return sessions.find(request).isPresent();
    }

    /** Answers a request; a page that needs the API is rendered on the dashboard's threads. */
    public CompletableFuture<WebResponse> handle(WebRequest request) {
        try {
            return CompletableFuture.supplyAsync(() -> respond(request), pageThreads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(WebResponse.html(503, Html.page("Busy", null,
                    "<p>The dashboard has too many pages to render; try again in a moment.</p>")));
        }
    }

    /**
     * Runs an event stream's writes on a thread of its own (a live log holds one while the browser watches); refused
     * when {@link #MAX_STREAMS} are open.
     */
    public CompletableFuture<Void> stream(WebResponse.EventStream stream, WebResponse.EventSink sink) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            streamThreads.execute(() -> {
                try {
                    stream.run(sink);
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("too many live logs are open ("
                    + MAX_STREAMS + ")"));
        }
        return done;
    }

    private WebResponse respond(WebRequest request) {
        String path = request.path();
        List<String> segments = segments(path);
        try {
            if (segments.size() == 2 && segments.get(0).equals("static") && request.method().equals("GET")) {
                return StaticFiles.serve(segments.get(1));
            }
            if (request.method().equals("POST") && !sameOrigin(request)) {
                return WebResponse.html(403, Html.page("Refused", null,
                        "<p>This form was sent from another site.</p>"));
            }
            if (segments.equals(List.of("sign-in"))) {
                return signIn(request);
            }
            Optional<Sessions.Session> session = sessions.find(request);
            if (session.isEmpty()) {
                return request.method().equals("GET") ? WebResponse.redirect("/ui/sign-in")
                        : WebResponse.html(401, Html.page("Signed out", null,
                                "<p>Your session ended. <a href=\"/ui/sign-in\">Sign in</a> again.</p>"));
            }
            if (request.method().equals("POST")) {
                String presented = request.header("x-csrf-token") != null ? request.header("x-csrf-token")
                        : request.form("csrf");
                if (!session.get().csrfMatches(presented)) {
                    return WebResponse.html(403, Html.page("Refused", session.get().csrf,
                            "<p>The form's CSRF token is missing or stale: reload the page and try again.</p>"));
                }
                if (segments.equals(List.of("sign-out"))) {
                    sessions.end(request);
                    return WebResponse.redirect("/ui/sign-in").with("Set-Cookie", Sessions.expired(request.secure()));
                }
            }
            Api api = new Api(transport, session.get().token);
            return pages.route(request, segments, api, session.get().csrf);
        } catch (ApiException e) {
            if (e.status() == 401) {
                // the token was revoked or deleted since the sign-in
                sessions.end(request);
                return WebResponse.redirect("/ui/sign-in").with("Set-Cookie", Sessions.expired(request.secure()));
            }
            int status = e.status() == 0 ? 502 : e.status();
            return WebResponse.html(status, Html.page(status == 404 ? "Not found" : "The API refused", csrfOf(request),
                    "<p role=\"alert\">" + Html.esc(e.getMessage()) + "</p>"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return WebResponse.html(503, Html.page("Stopping", null, "<p>The server is stopping.</p>"));
        } catch (RuntimeException e) {
            LOG.error("dashboard: {} {} failed", request.method(), path, e);
            return WebResponse.html(500, Html.page("Error", csrfOf(request),
                    "<p role=\"alert\">The page failed: " + Html.esc(e.getClass().getSimpleName())
                            + " (see the server log).</p>"));
        }
    }

    private String csrfOf(WebRequest request) {
        return sessions.find(request).map(session -> session.csrf).orElse(null);
    }

    /** Sign-in: the form, and its POST, which checks the token against the API before a session starts. */
    private WebResponse signIn(WebRequest request) throws InterruptedException {
        if (!request.method().equals("POST")) {
            return WebResponse.html(200, Pages.signInForm(null));
        }
        String token = request.form("token");
        if (token == null || token.isBlank()) {
            return WebResponse.html(400, Pages.signInForm("Enter a token."));
        }
        try {
            new Api(transport, token.strip()).get("/api/v2/me");
        } catch (ApiException e) {
            if (e.status() == 401) {
                return WebResponse.html(401, Pages.signInForm("The server does not know this token."));
            }
            if (e.status() != 403) { // a read-only token may not ask who it is, and still signs in
                return WebResponse.html(502, Pages.signInForm("The API did not answer: " + e.getMessage()));
            }
        }
        String id = sessions.create(token.strip());
        return WebResponse.redirect("/ui/projects").with("Set-Cookie", Sessions.cookie(id, request.secure()));
    }

    /**
     * A form must come from this origin: the browser's {@code Origin} (sent with every POST by current browsers)
     * names the host the request is for. Besides SameSite=Strict and the CSRF token, this also stops a forged
     * sign-in.
     */
    private static boolean sameOrigin(WebRequest request) {
        String origin = request.header("origin");
        String host = request.header("host");
        if (origin == null) {
            return true; // not a browser's form (browsers send Origin with every POST); the CSRF token still counts
        }
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The path below {@code /ui}, split; {@code /} and {@code /ui} are the projects page. */
    static List<String> segments(String path) {
        if (path.equals("/") || path.equals("/ui") || path.equals("/ui/")) {
            return List.of("projects");
        }
        String rest = path.substring("/ui/".length());
        return List.of(rest.split("/", -1));
    }

    private static java.util.concurrent.ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        pageThreads.shutdownNow();
        streamThreads.shutdownNow();
    }
}
