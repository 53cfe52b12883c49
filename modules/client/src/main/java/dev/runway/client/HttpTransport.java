package dev.runway.client;

import dev.runway.protocol.Json;
import dev.runway.protocol.TaskWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with retries. Shared by every client of the API. The bearer token is a header only: it never
 * reaches a URL, a log line or an exception message.
 */
public final class HttpTransport {
    private final URI baseUri;
    private final Duration requestTimeout;
    private final ProxySettings proxies;
    private final TlsTrust trust;
    /** Built on first use: the task agent, whose calls all go through the blocking path, never pays for it. */
    private volatile HttpClient http;

    /**
     * A transport through the proxies of this process's environment ({@link ProxySettings}); throws
     * IllegalArgumentException, naming the variable, when one of them cannot be used.
     */
    public HttpTransport(URI baseUri, Duration requestTimeout) {
        this(baseUri, requestTimeout, ProxySettings.fromEnvironment(), TlsTrust.fromEnvironment());
    }

    /** {@code trust}: the authorities an https server's certificate is checked against. */
    public HttpTransport(URI baseUri, Duration requestTimeout, ProxySettings proxies, TlsTrust trust) {
        this.baseUri = stripTrailingSlash(baseUri);
        this.requestTimeout = requestTimeout;
        this.proxies = proxies;
        this.trust = trust;
    }

    /**
     * The same server with another time limit per request, for the blocking path (its kept-alive connections are
     * shared: they belong to the JDK's connection cache, not to a transport).
     */
    public HttpTransport withRequestTimeout(Duration timeout) {
        return new HttpTransport(baseUri, timeout, proxies, trust);
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = newClient(baseUri, proxies, trust);
                    http = client;
                }
            }
        }
        return client;
    }

    private static HttpClient newClient(URI baseUri, ProxySettings proxies, TlsTrust trust) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1);
        if (proxies.isSet()) {
            builder.proxy(proxies);
        }
        if (proxies.authenticator() != null) {
            builder.authenticator(proxies.authenticator());
        }
        if ("http".equalsIgnoreCase(baseUri.getScheme())) {
            // The default TLS context reads the JDK's whole trust store when the client is built: a third of a task
            // agent's start, for a server that speaks plain HTTP. No redirect is followed, so TLS is never used here;
            // should it be, this context refuses it. Given parameters spare the client asking the context for them.
            builder.sslContext(TrustNothing.CONTEXT).sslParameters(new javax.net.ssl.SSLParameters());
        } else {
            builder.sslContext(trust.context());
        }
        return builder.build();
    }

    /** The TLS context of the underlying client (tests: plain-HTTP transports never read the trust store). */
    javax.net.ssl.SSLContext tlsContext() {
        return http().sslContext();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** How requests reach the server: "directly" or "through proxy HOST:PORT (VARIABLE)". */
    public String route() {
        return proxies.route(baseUri);
    }

    /** A request to {@code pathAndQuery} (starting with '/'), without body. */
    public HttpRequest.Builder request(String pathAndQuery, String authHeader, String authValue) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUri + pathAndQuery))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .header("User-Agent", "runway");
        if (authValue != null) {
            builder.header(authHeader, authorization(authHeader, authValue));
        }
        return builder;
    }

    public static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofByteArray(Json.write(body));
    }

    /**
     * Sends the request built by {@code request} (called again for each attempt) until it succeeds, fails with a
     * status that is not worth retrying, or the policy's time is up. Answers the successful response.
     */
    public HttpResponse<byte[]> send(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout)
            throws ApiException, InterruptedException {
        return exchange(request, policy, extraTimeout, null).response();
    }

    /**
     * As {@link #send}, and reads the answer as {@code type}. A 2xx answer that cannot be read (truncated, garbage)
     * counts as no answer and is retried like one: every call of the protocol is idempotent, so asking again is
     * safe, and a proxy that mangled one answer must not fail a task. A 204 reads as null.
     */
    public <T> T sendForJson(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout,
            Class<T> type) throws ApiException, InterruptedException {
        return type.cast(exchange(request, policy, extraTimeout, type).value());
    }

    /** As {@link #sendForJson}, and hands the answer's headers to {@code headers} before answering its value. */
    public <T> T sendForJson(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout,
            Class<T> type, java.util.function.Consumer<java.net.http.HttpHeaders> headers)
            throws ApiException, InterruptedException {
        Exchange answer = exchange(request, policy, extraTimeout, type);
        headers.accept(answer.response().headers());
        return type.cast(answer.value());
    }

    /**
     * POSTs {@code length} bytes of {@code data} to {@code pathAndQuery} and reads the JSON answer as {@code type},
     * retried as {@link #sendForJson} is. For bulk bytes (step output): they go out from the calling thread over a
     * kept-alive blocking connection, straight from {@code data}, without the body copies and thread hand-offs of
     * java.net.http, which cost the task agent about a third of its CPU per byte of output.
     */
    public <T> T postBytes(String pathAndQuery, String authHeader, String authValue, byte[] data, int length,
            RetryPolicy policy, Class<T> type) throws ApiException, InterruptedException {
        return blocking("POST", pathAndQuery, authHeader, authValue, "application/octet-stream", data, length, policy,
                type);
    }

    /**
     * A JSON call over the same blocking path, retried as {@link #sendForJson} is: the task agent's calls, so that
     * its start does not pay for setting up java.net.http (a tenth of it). {@code body} null sends no body;
     * {@code type} null reads no answer, {@code byte[].class} answers the body as it came.
     */
    public <T> T callBlocking(String method, String pathAndQuery, String authHeader, String authValue, Object body,
            RetryPolicy policy, Class<T> type) throws ApiException, InterruptedException {
        byte[] json = body == null ? null : TaskWire.writes(body) ? TaskWire.write(body) : Json.write(body);
        return blocking(method, pathAndQuery, authHeader, authValue, "application/json", json,
                json == null ? 0 : json.length, policy, type);
    }

    private <T> T blocking(String method, String pathAndQuery, String authHeader, String authValue,
            String contentType, byte[] data, int length, RetryPolicy policy, Class<T> type)
            throws ApiException, InterruptedException {
        URI uri = URI.create(baseUri + pathAndQuery);
        String call = method + " " + uri.getPath();
        Object value = withRetries(policy, () -> {
            Answer answer;
            try {
                answer = exchangeBlocking(method, uri, authHeader, authValue, contentType, data, length);
            } catch (IOException e) {
                throw noAnswer(call, e);
            }
            if (answer.status() >= 400) {
                throw failed(call, answer.status(), Optional.ofNullable(answer.retryAfter()), answer.body());
            }
            return type == null || answer.status() == 204 ? null : read(call, answer.status(), answer.body(), type);
        });
        return type == null ? null : type.cast(value);
    }

    private record Answer(int status, String retryAfter, byte[] body) {}

    /**
     * One POST whose body is {@code length} bytes of {@code file} from {@code offset}, streamed (a blob of any size
     * in a fixed buffer), answered as JSON {@code type}. No retries: the caller resumes from where the server's bytes
     * end. A transfer that makes no progress for the request timeout is cut.
     */
    public <T> T postFile(String pathAndQuery, String authHeader, String authValue, Path file, long offset,
            long length, Class<T> type) throws ApiException {
        try {
            return postStream(pathAndQuery, authHeader, authValue, length, out -> {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    channel.position(offset);
                    copy(Channels.newInputStream(channel), out, length, file);
                }
            }, type);
        } catch (ApiException e) {
            throw e;
        } catch (IOException e) {
            throw new ApiException(-1, "reading " + file + ": " + e.getMessage(), null, null, e);
        }
    }

    /** Writes a request body into the connection's stream (which it must not close). */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Reads a response body from the connection's stream (which it need not read to the end). */
    @FunctionalInterface
    public interface BodyReader {
        void read(InputStream in) throws IOException;
    }

    /**
     * One POST whose body {@code writer} writes as it goes: {@code length} bytes, or, with -1, as many as it writes
     * (sent chunked); answered as JSON {@code type}. No retries. A failure of the connection is an ApiException; a
     * failure of the writer's own (its source) is thrown as the IOException it was. A transfer that makes no
     * progress for the request timeout is cut.
     */
    public <T> T postStream(String pathAndQuery, String authHeader, String authValue, long length, BodyWriter writer,
            Class<T> type) throws ApiException, IOException {
        URI uri = URI.create(baseUri + pathAndQuery);
        String call = "POST " + uri.getPath();
        IOException[] own = {null};
        Answer answer;
        try {
            answer = streaming("POST", uri, call, authHeader, authValue, connection -> {
                connection.setDoOutput(true);
                if (length >= 0) {
                    connection.setFixedLengthStreamingMode(length);
                } else {
                    connection.setChunkedStreamingMode(STREAM_BUFFER);
                }
                connection.setRequestProperty("Content-Type", "application/octet-stream");
            }, (connection, progress) -> {
                Watched out = new Watched(connection.getOutputStream(), progress);
                try {
                    writer.write(out);
                } catch (IOException e) {
                    if (!out.failed) {
                        own[0] = e;
                    }
                    throw e; // unclosed: a chunked body must not end cleanly (the server would take it as whole)
                }
                out.close();
            }, null);
        } catch (ApiException e) {
            if (own[0] != null) {
                throw own[0];
            }
            throw e;
        }
        if (answer.status() >= 400) {
            throw failed(call, answer.status(), Optional.ofNullable(answer.retryAfter()), answer.body());
        }
        return type.cast(read(call, answer.status(), answer.body(), type));
    }

    /** Copies {@code length} bytes of {@code in} (read from {@code source}) to {@code out}. */
    private static void copy(InputStream in, OutputStream out, long length, Path source) throws IOException {
        byte[] buffer = new byte[STREAM_BUFFER];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException(source + " ended " + left + " bytes early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    /**
     * One GET whose 2xx body is streamed into {@code out}; answers how many bytes came, or -1 for a 204. No retries
     * (the caller starts over); a transfer that makes no progress for the request timeout is cut.
     */
    public long download(String pathAndQuery, String authHeader, String authValue, OutputStream out)
            throws ApiException {
        long[] count = {0};
        boolean content;
        try {
            content = get(pathAndQuery, authHeader, authValue, in -> {
                byte[] buffer = new byte[STREAM_BUFFER];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    count[0] += read;
                }
            });
        } catch (ApiException e) {
            throw e;
        } catch (IOException e) {
            throw new ApiException(-1, "writing the download of " + pathAndQuery + ": " + e.getMessage(), null,
                    null, e);
        }
        return content ? count[0] : -1;
    }

    /**
     * One GET whose 2xx body {@code reader} reads as it arrives; false for a 204 (the reader is not called). No
     * retries. A failure of the connection is an ApiException; one of the reader's own (where it puts the bytes) is
     * thrown as the IOException it was. A transfer that makes no progress for the request timeout is cut.
     */
    public boolean get(String pathAndQuery, String authHeader, String authValue, BodyReader reader)
            throws ApiException, IOException {
        URI uri = URI.create(baseUri + pathAndQuery);
        String call = "GET " + uri.getPath();
        IOException[] own = {null};
        Answer answer;
        try {
            answer = streaming("GET", uri, call, authHeader, authValue, connection -> { }, null,
                    (in, progress) -> {
                        WatchedInput watched = new WatchedInput(in, progress);
                        try {
                            reader.read(watched);
                        } catch (IOException e) {
                            if (!watched.failed) {
                                own[0] = e;
                            }
                            throw e;
                        }
                    });
        } catch (ApiException e) {
            if (own[0] != null) {
                throw own[0];
            }
            throw e;
        }
        if (answer.status() >= 400) {
            throw failed(call, answer.status(), Optional.ofNullable(answer.retryAfter()), answer.body());
        }
        return answer.status() != 204;
    }

    /** A connection's output that stamps progress and remembers whether the connection failed. */
    private static final class Watched extends java.io.FilterOutputStream {
        private final AtomicLong progress;
        boolean failed;

        Watched(OutputStream out, AtomicLong progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
            progress.set(System.nanoTime());
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** A connection's input that stamps progress and remembers whether the connection failed. */
    private static final class WatchedInput extends java.io.FilterInputStream {
        private final AtomicLong progress;
        boolean failed;

        WatchedInput(InputStream in, AtomicLong progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                int read = in.read(bytes, offset, length);
                progress.set(System.nanoTime());
                return read;
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public long skip(long count) throws IOException {
            try {
                return in.skip(count);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void close() {
            // the exchange closes the connection's stream
        }
    }

    private static final int STREAM_BUFFER = 256 * 1024;

    @FunctionalInterface
    private interface Setup {
        void apply(HttpURLConnection connection) throws IOException;
    }

    @FunctionalInterface
    private interface Sender {
        void send(HttpURLConnection connection, AtomicLong progress) throws IOException;
    }

    @FunctionalInterface
    private interface Receiver {
        void receive(InputStream in, AtomicLong progress) throws IOException;
    }

    /**
     * One exchange whose body goes out through {@code sender} and whose 2xx answer comes in through
     * {@code receiver} (else it is read whole, as an error answer is); cut when {@code progress} stalls for longer
     * than the request timeout.
     */
    private Answer streaming(String method, URI uri, String call, String authHeader, String authValue, Setup setup,
            Sender sender, Receiver receiver) throws ApiException {
        HttpURLConnection connection;
        try {
            connection = open(uri);
        } catch (IOException e) {
            throw noAnswer(call, e);
        }
        if (connection instanceof javax.net.ssl.HttpsURLConnection https) {
            https.setSSLSocketFactory(trust.context().getSocketFactory());
        }
        if (proxies.authenticator() != null) {
            connection.setAuthenticator(proxies.authenticator());
            proxies.preemptiveAuthorization(uri).ifPresent(value ->
                    connection.setRequestProperty("Proxy-Authorization", value));
        }
        AtomicLong progress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long stallNanos = requestTimeout.toNanos();
        ScheduledFuture<?> watchdog = Watchdog.TIMER.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - progress.get() > stallNanos) {
                stalled.set(true);
                connection.disconnect();
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            prepare(connection, method, "application/json, application/octet-stream", authHeader, authValue);
            setup.apply(connection);
            if (sender != null) {
                sender.send(connection, progress);
            }
            int status = connection.getResponseCode();
            progress.set(System.nanoTime());
            String retryAfter = connection.getHeaderField("Retry-After");
            if (status < 300 && receiver != null) {
                try (InputStream in = connection.getInputStream()) {
                    receiver.receive(in, progress);
                }
                return new Answer(status, retryAfter, new byte[0]);
            }
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                return new Answer(status, retryAfter, in == null ? new byte[0] : in.readAllBytes());
            }
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            IOException failure = e instanceof IOException io ? io : new IOException(describe(e), e);
            if (stalled.get()) {
                failure = new HttpTimeoutException("no progress within " + requestTimeout.toMillis() + " ms");
            }
            throw noAnswer(call, failure);
        } finally {
            watchdog.cancel(false);
        }
    }

    /**
     * Sets up, without a request, what the blocking path's first exchange would set up: the URL handler (the JDK
     * looks it up through a service loader), the connection classes and the deadline thread. A standby task agent
     * calls this while it waits, so that its task's first call (the first step's start) does not pay for them: in a
     * profile of standby task agents that first call cost about a tenth of their CPU after the hand-over.
     */
    public void prepareBlockingPath() {
        URI uri = URI.create(baseUri + "/");
        try {
            open(uri).setRequestMethod("POST"); // never connected: nothing goes out
        } catch (IOException | RuntimeException e) {
            return; // only a little slower: the first call pays
        }
        for (String name : new String[] {"sun.net.www.http.HttpClient", "sun.net.www.http.KeepAliveCache",
                "sun.net.www.http.KeepAliveStream", "sun.net.www.MeteredStream",
                "sun.net.www.protocol.http.HttpURLConnection$HttpInputStream",
                "sun.net.www.protocol.http.HttpURLConnection$StreamingOutputStream"}) {
            try {
                Class.forName(name, true, null);
            } catch (ClassNotFoundException | LinkageError notInThisJdk) {
                // only a little slower
            }
        }
        Watchdog.TIMER.prestartCoreThread();
    }

    /**
     * One exchange ({@code data} null: no body; a POST then sends an empty one); a connection left in an unknown
     * state is closed, never reused.
     */
    private Answer exchangeBlocking(String method, URI uri, String authHeader, String authValue, String contentType,
            byte[] data, int length) throws IOException {
        HttpURLConnection connection = open(uri);
        if (connection instanceof javax.net.ssl.HttpsURLConnection https) {
            https.setSSLSocketFactory(trust.context().getSocketFactory());
        }
        if (proxies.authenticator() != null) {
            connection.setAuthenticator(proxies.authenticator());
            // A streamed body cannot be sent again after a 407, so plain-HTTP proxying gets the credentials up front
            // (as Go's agent sends them); a CONNECT tunnel (https) answers its 407 before any body goes out.
            proxies.preemptiveAuthorization(uri).ifPresent(value ->
                    connection.setRequestProperty("Proxy-Authorization", value));
        }
        // sending has no timeout of its own: a server that stops reading would hold the write forever
        AtomicBoolean overran = new AtomicBoolean();
        ScheduledFuture<?> deadline = Watchdog.TIMER.schedule(() -> {
            overran.set(true);
            connection.disconnect();
        }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            prepare(connection, method, "application/json", authHeader, authValue);
            if (data != null || "POST".equals(method)) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(data == null ? 0 : length);
                connection.setRequestProperty("Content-Type", contentType);
                try (OutputStream out = connection.getOutputStream()) {
                    if (data != null) {
                        out.write(data, 0, length);
                    }
                }
            }
            int status = connection.getResponseCode();
            String retryAfter = connection.getHeaderField("Retry-After");
            // read to the end and close: that hands the connection back for the next request
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                return new Answer(status, retryAfter, in == null ? new byte[0] : in.readAllBytes());
            }
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            if (overran.get()) {
                throw new HttpTimeoutException("no answer within " + requestTimeout.toMillis() + " ms");
            }
            // The JDK's connection fails unchecked when it is disconnected under a call (an NPE in getInputStream):
            // that is a failed exchange like any other, and is retried as one.
            throw e instanceof IOException io ? io : new IOException(describe(e), e);
        } finally {
            deadline.cancel(false);
        }
    }

    /** A connection to {@code uri} through this process's proxy for it, not yet connected. */
    private HttpURLConnection open(URI uri) throws IOException {
        return (HttpURLConnection) (proxies.isSet() ? uri.toURL().openConnection(proxies.proxyFor(uri))
                : uri.toURL().openConnection());
    }

    /** Ends blocking exchanges that overran their time (one daemon thread, started on first use). */
    private static final class Watchdog {
        static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "runway-http-deadline");
            thread.setDaemon(true);
            return thread;
        });

        static {
            TIMER.setRemoveOnCancelPolicy(true);
        }
    }

    private record Exchange(HttpResponse<byte[]> response, Object value) {}

    private Exchange exchange(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout,
            Class<?> type) throws ApiException, InterruptedException {
        return withRetries(policy, () -> {
            HttpRequest req = request.get();
            if (!extraTimeout.isZero()) {
                req = HttpRequest.newBuilder(req, (n, v) -> true).timeout(requestTimeout.plus(extraTimeout)).build();
            }
            String call = req.method() + " " + req.uri().getPath();
            HttpResponse<byte[]> response;
            try {
                response = http().send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw noAnswer(call, e);
            }
            if (response.statusCode() >= 400) {
                throw failed(call, response.statusCode(), response.headers().firstValue("Retry-After"),
                        response.body());
            }
            boolean empty = type == null || response.statusCode() == 204;
            return new Exchange(response, empty ? null : read(call, response.statusCode(), response.body(), type));
        });
    }

    /** One try of a call: its result, or an ApiException saying why there is none. */
    @FunctionalInterface
    interface Attempt<R> {
        R run() throws ApiException, InterruptedException;
    }

    /** Tries until an attempt succeeds, fails in a way not worth retrying, or the policy's time is up. */
    static <R> R withRetries(RetryPolicy policy, Attempt<R> attempt)
            throws ApiException, InterruptedException {
        Instant deadline = Instant.now().plus(policy.maxElapsed());
        for (int tries = 0; ; tries++) {
            try {
                return attempt.run();
            } catch (ApiException failure) {
                if (!failure.retryable()) {
                    throw failure;
                }
                Duration pause = policy.delay(tries, failure.retryAfter().orElse(null));
                if (Instant.now().plus(pause).isAfter(deadline)) {
                    throw failure;
                }
                // looked up here, not in a static field: a task agent's first request then does not wait for the
                // logging set-up (about 30 ms) that runs beside it
                LoggerFactory.getLogger(HttpTransport.class).debug("{}; retrying in {} ms", failure.getMessage(),
                        pause.toMillis());
                Thread.sleep(pause.toMillis());
            }
        }
    }

    /** What every request of this transport carries: timeouts, no redirects or caches, its method and credential. */
    private void prepare(HttpURLConnection connection, String method, String accept, String authHeader,
            String authValue) throws java.net.ProtocolException {
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        connection.setRequestProperty("Accept", accept);
        connection.setRequestProperty("User-Agent", "runway");
        if (authValue != null) {
            connection.setRequestProperty(authHeader, authorization(authHeader, authValue));
        }
    }

    private static String authorization(String authHeader, String authValue) {
        return authHeader.equals("Authorization") ? "Bearer " + authValue : authValue;
    }

    private ApiException noAnswer(String call, IOException e) {
        return new ApiException(0, call + ": no answer from " + baseUri + " (" + describe(e) + ")", null, null, e);
    }

    /** A 2xx answer read as {@code type}; unreadable (truncated, garbage) counts as no answer. */
    private static Object read(String call, int status, byte[] body, Class<?> type) throws ApiException {
        try {
            if (type == byte[].class) {
                return body; // the caller reads it
            }
            // the task agent's answers without Jackson (a tenth of its start); the rest with it
            return TaskWire.reads(type) ? TaskWire.read(body, type) : Json.read(body, type);
        } catch (IOException unreadable) {
            // The parser's message is left out: it may quote the body, and a body may hold a token.
            throw new ApiException(0, call + ": unreadable answer (HTTP " + status + ", " + body.length + " bytes)",
                    null, null, null);
        }
    }

    private static ApiException failed(String call, int status, Optional<String> retryAfter, byte[] body) {
        String message = serverMessage(body);
        return new ApiException(status, call + ": HTTP " + status + (message.isEmpty() ? "" : ": " + message),
                retryAfter.flatMap(HttpTransport::seconds).orElse(null), body, null);
    }

    private static String serverMessage(byte[] body) {
        String message = TaskWire.errorMessage(body);
        if (message != null) {
            return message;
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static URI stripTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
