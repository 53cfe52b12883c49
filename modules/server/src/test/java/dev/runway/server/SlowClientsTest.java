package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests whose bodies never come hold no thread: more of them than the server has threads, and it still answers. */
class SlowClientsTest {
    @TempDir
    Path data;

    @Test
    void stalledBodiesDoNotStarveOtherRequests() throws Exception {
        try (TestServer server = new TestServer(data)) {
            String token = server.resourceClassToken();
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 250; i++) {
                    Socket socket = new Socket("127.0.0.1", server.server.port());
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /api/v3/runner/claim HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalled.add(socket);
                }
                HttpResponse<String> answer = server.send("GET", "/api/v3/runner/resource?namespace=acme",
                        server.server.adminToken(), null);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("acme/linux");
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }
}
