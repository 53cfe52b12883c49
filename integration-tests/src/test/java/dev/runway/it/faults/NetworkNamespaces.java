package dev.runway.it.faults;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair: the agent's ({@value #AGENT_ADDRESS}/30) and the server's
 * ({@value #SERVER_ADDRESS}/30). These two addresses, inside these namespaces, are the only ones the suite ever
 * creates; the host's network is not touched. {@link #cut()} and {@link #restore()} take the agent's end of the link
 * down and up. The test reaches the server through {@link #relayToServer}: a loopback port of this JVM whose
 * connections are opened from inside the server's namespace (a thread that entered it with setns(2)).
 */
final class NetworkNamespaces implements AutoCloseable {
    static final String AGENT_ADDRESS = "10.213.0.1";
    static final String SERVER_ADDRESS = "10.213.0.2";
    private static final int CLONE_NEWNET = 0x40000000;
    private static final String PREFIX = "rwf";

    private final String agentNamespace;
    private final String serverNamespace;
    private final String agentLink;
    private final List<ServerSocket> relays = new ArrayList<>();

    private NetworkNamespaces(String id) {
        this.agentNamespace = PREFIX + "-" + id + "-agent";
        this.serverNamespace = PREFIX + "-" + id + "-server";
        this.agentLink = PREFIX + id + "a"; // interface names: at most 15 characters
    }

    /** Why namespaces cannot be made here (not root, no iproute2, no permission), or empty when they can. */
    static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root (running as " + System.getProperty("user.name") + ")");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return Optional.of("iproute2's ip is not installed");
        }
        String probe = PREFIX + "-probe-" + UUID.randomUUID().toString().substring(0, 6);
        try {
            ip("netns", "add", probe);
            ip("netns", "delete", probe);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("ip netns does not work here: " + e.getMessage());
        }
    }

    static NetworkNamespaces create() throws IOException {
        NetworkNamespaces network = new NetworkNamespaces(UUID.randomUUID().toString().substring(0, 6));
        String serverLink = network.agentLink.substring(0, network.agentLink.length() - 1) + "s";
        try {
            ip("netns", "add", network.agentNamespace);
            ip("netns", "add", network.serverNamespace);
            ip("link", "add", network.agentLink, "type", "veth", "peer", "name", serverLink);
            ip("link", "set", network.agentLink, "netns", network.agentNamespace);
            ip("link", "set", serverLink, "netns", network.serverNamespace);
            ip("-n", network.agentNamespace, "addr", "add", AGENT_ADDRESS + "/30", "dev", network.agentLink);
            ip("-n", network.serverNamespace, "addr", "add", SERVER_ADDRESS + "/30", "dev", serverLink);
            for (String namespace : List.of(network.agentNamespace, network.serverNamespace)) {
                ip("-n", namespace, "link", "set", "lo", "up");
            }
            ip("-n", network.agentNamespace, "link", "set", network.agentLink, "up");
            ip("-n", network.serverNamespace, "link", "set", serverLink, "up");
        } catch (IOException e) {
            network.close();
            throw e;
        }
        return network;
    }

    List<String> agentPrefix() {
        return List.of("ip", "netns", "exec", agentNamespace);
    }

    List<String> serverPrefix() {
        return List.of("ip", "netns", "exec", serverNamespace);
    }

    /** The link goes down: packets between agent and server are lost until {@link #restore()}. */
    void cut() throws IOException {
        ip("-n", agentNamespace, "link", "set", agentLink, "down");
    }

    void restore() throws IOException {
        ip("-n", agentNamespace, "link", "set", agentLink, "up");
    }

    /** A loopback port of this JVM that leads to {@code SERVER_ADDRESS:port} inside the server's namespace. */
    int relayToServer(int port) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        relays.add(listener);
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Thread connector = new Thread(() -> relay(client, port), "netns-relay");
                    connector.setDaemon(true);
                    connector.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "netns-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener.getLocalPort();
    }

    /** Runs on a fresh thread: enters the server's namespace (this thread only), connects, copies both ways. */
    private void relay(Socket client, int port) {
        try (client; Socket server = new Socket()) {
            enterNamespace(serverNamespace);
            server.connect(new InetSocketAddress(SERVER_ADDRESS, port), 5_000);
            Thread back = new Thread(() -> copy(server, client), "netns-relay-back");
            back.setDaemon(true);
            back.start();
            copy(client, server);
            back.join();
        } catch (IOException | InterruptedException e) {
            // either side went away
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            // the connection ended
        }
    }

    private interface LibC extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static void enterNamespace(String name) throws IOException {
        LibC libc = Native.load("c", LibC.class);
        int fd = libc.open("/run/netns/" + name, 0);
        if (fd < 0) {
            throw new IOException("cannot open /run/netns/" + name);
        }
        try {
            if (libc.setns(fd, CLONE_NEWNET) != 0) {
                throw new IOException("setns into " + name + " failed: errno " + Native.getLastError());
            }
        } finally {
            libc.close(fd);
        }
    }

    private static void ip(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Kills whatever still runs in the namespaces, then deletes them (the veth pair goes with them). */
    @Override
    public void close() throws IOException {
        for (ServerSocket relay : relays) {
            relay.close();
        }
        for (String namespace : List.of(agentNamespace, serverNamespace)) {
            if (Files.exists(Path.of("/run/netns", namespace))) {
                Process pids = new ProcessBuilder("ip", "netns", "pids", namespace).start();
                for (String pid : new String(pids.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                        .split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                ip("netns", "delete", namespace);
            }
        }
    }
}
