package dev.runway.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a server that flips one byte of each connection's traffic at a given position,
 * in the direction chosen: bytes changed on the way, as a faulty network card or proxy changes them where TCP's
 * checksum misses it. The position is counted from a connection's first byte in that direction (headers included),
 * so a test picks one well inside the body it sends or receives.
 */
final class CorruptingProxy implements AutoCloseable {
    /** Which way the flipped byte travels. */
    public enum Direction { TO_SERVER, TO_CLIENT }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Direction direction;
    private final long position;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private CorruptingProxy(URI server, Direction direction, long position) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = new InetSocketAddress(server.getHost(), server.getPort());
        this.direction = direction;
        this.position = position;
        this.acceptor = daemon("corrupting-proxy", this::accept);
    }

    /** A relay to {@code server} (http, host and port) that flips the byte at {@code position} going {@code direction}. */
    public static CorruptingProxy start(URI server, Direction direction, long position) throws IOException {
        return new CorruptingProxy(server, direction, position);
    }

    /** Where clients reach the relay. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                relay(client, server, direction == Direction.TO_SERVER);
                relay(server, client, direction == Direction.TO_CLIENT);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to, boolean corrupt) {
        daemon("corrupting-proxy-relay", () -> {
            byte[] buffer = new byte[64 * 1024];
            long passed = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    if (corrupt && passed <= position && position < passed + read) {
                        buffer[(int) (position - passed)] ^= 0x5a;
                    }
                    passed += read;
                    out.write(buffer, 0, read);
                }
            } catch (IOException ended) {
                // one side went away: the other follows
            } finally {
                close(from);
                close(to);
            }
        });
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(CorruptingProxy::close);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
