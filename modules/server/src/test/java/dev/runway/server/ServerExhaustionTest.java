package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients without a token get nothing of the server before it checks: no body is read (nor allocated by its declared
 * length), connections beyond the limit are not accepted, and one that does not authenticate in time is closed.
 * The heavy attacks run against a server in its own JVM with a small heap, on loopback, with bounded counts.
 */
class ServerExhaustionTest {
    private static final String ANSWERED = "/api/v3/runner/resource?namespace=acme";
    @TempDir
    Path temp;

    private static String head(String method, String path, String token, long contentLength) {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + (token == null ? ""
                : "Authorization: Bearer " + token + "\r\n") + "Content-Type: application/json\r\nContent-Length: "
                + contentLength + "\r\n\r\n";
    }

    private static HttpResponse<String> get(URI base, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(ANSWERED))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Test
    void headerOnlyRequestsDeclaringHugeBodiesDoNotTakeTheHeap() throws Exception {
        Path data = temp.resolve("data");
        ServerProcessMain.Launched server = ServerProcessMain.launch(data,
                List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"), List.of());
        List<Socket> sockets = new ArrayList<>();
        try {
            String admin = Files.readString(data.resolve("admin-token")).strip();
            long declared = Limits.LARGEST_BODY; // 4 MiB each: 300 of them are 1.2 GB, the heap is 96 MB
            for (int i = 0; i < 300; i++) {
                // half without a token, half with the admin token (whose bodies may be read, but only as they come)
                String token = i % 2 == 0 ? null : admin;
                Socket socket = new Socket("127.0.0.1", server.uri().getPort());
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(head("POST", "/api/v3/jobs", token, declared).getBytes(StandardCharsets.US_ASCII));
                out.write('{');
                out.flush();
            }
            HttpResponse<String> answer = get(server.uri(), admin);
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 404);
            assertThat(server.process().isAlive()).isTrue();
        } finally {
            closeAll(sockets);
            server.process().destroyForcibly();
            server.process().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(ServerProcessMain.log(data))).doesNotContain("OutOfMemoryError");
    }

    @Test
    void aFloodOfIdleConnectionsBeyondTheLimitTakesNoMoreDescriptorsAndTheServerStillAnswers() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts descriptors in /proc");
        Path data = temp.resolve("data");
        int limit = 40;
        ServerProcessMain.Launched server = ServerProcessMain.launch(data, List.of("-Xmx128m"),
                List.of(Integer.toString(limit), "1000"));
        List<Socket> sockets = new ArrayList<>();
        try {
            String admin = Files.readString(data.resolve("admin-token")).strip();
            assertThat(get(server.uri(), admin).statusCode()).isIn(200, 404);
            long before = descriptors(server.process().pid());
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                try {
                    // past the limit the server accepts nothing: the kernel's backlog fills, then connects time out
                    socket.connect(new InetSocketAddress("127.0.0.1", server.uri().getPort()), 200);
                } catch (SocketTimeoutException e) {
                    // refused to grow: expected once the backlog is full
                }
            }
            long during = descriptors(server.process().pid());
            assertThat(during - before).as("descriptors the server took for 200 idle sockets (limit " + limit + ")")
                    .isLessThanOrEqualTo(limit + 5);

            // the idle ones are closed once they miss the authentication timeout; a real client gets its turn
            HttpResponse<String> answer = get(server.uri(), admin);
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 404);
        } finally {
            closeAll(sockets);
            server.process().destroyForcibly();
            server.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long descriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    @Test
    void aRequestWithoutATokenIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (TestServer server = new TestServer(temp.resolve("data"));
                Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head("POST", "/api/v3/jobs", null, 1000).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // no byte of the body is sent: the answer must not wait for it
            String answer = new String(readSome(socket.getInputStream()), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 401");
        }
    }

    @Test
    void aConnectionThatTricklesItsHeadersIsClosedAtTheAuthenticationTimeout() throws Exception {
        ServerSettings settings = new ServerSettings(temp.resolve("data"), "127.0.0.1", 0)
                .withLimits(new ConnectionLimits(100, Duration.ofMillis(500), 600));
        try (TestServer server = new TestServer(settings);
                Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/v3/jobs HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(100); // the attack's pace, not a synchronisation
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: what the test expects
                }
            });
            trickle.start();
            long start = System.nanoTime();
            boolean closed;
            try {
                closed = socket.getInputStream().read() == -1;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException reset) {
                closed = true;
            }
            trickle.interrupt();
            trickle.join();
            assertThat(closed).as("the server closed the trickling connection").isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms until closed").isLessThan(9_000);
        }
    }

    @Test
    void submissionsAndListsArePerTokenRateLimited() throws Exception {
        ServerSettings settings = new ServerSettings(temp.resolve("data"), "127.0.0.1", 0)
                .withLimits(new ConnectionLimits(100, Duration.ofSeconds(10), 5));
        try (TestServer server = new TestServer(settings)) {
            String admin = server.server.adminToken();
            for (int i = 0; i < 5; i++) {
                assertThat(server.send("GET", "/api/v3/jobs", admin, null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = server.send("GET", "/api/v3/jobs", admin, null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            assertThat(limited.body()).contains("at most 5");
            assertThat(server.send("GET", ANSWERED, admin, null).statusCode()).as("other routes are not limited")
                    .isIn(200, 404);
        }
    }

    private static byte[] readSome(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int read = in.read(buffer);
        return read <= 0 ? new byte[0] : java.util.Arrays.copyOf(buffer, read);
    }
}
