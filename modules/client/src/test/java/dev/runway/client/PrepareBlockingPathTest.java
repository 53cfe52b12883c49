package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A standby prepares the blocking path while it holds no task: nothing may reach the server. */
class PrepareBlockingPathTest {

    @Test
    void preparingSendsNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HttpTransport transport = new HttpTransport(URI.create("http://127.0.0.1:" + server.getLocalPort()),
                    Duration.ofSeconds(5));

            transport.prepareBlockingPath();

            server.setSoTimeout(300);
            boolean connected;
            try (var ignored = server.accept()) {
                connected = true;
            } catch (SocketTimeoutException none) {
                connected = false;
            }
            assertThat(connected).as("a connection to the server").isFalse();
        }
    }
}
