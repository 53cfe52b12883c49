package dev.runway.launcher.linux.notify;

import dev.runway.launcher.linux.jna.LibC;
import dev.runway.launcher.linux.jna.UnixSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A bound AF_UNIX datagram socket, standing in for systemd's notify socket in tests. */
final class DatagramListener implements AutoCloseable {
    private static final int MSG_DONTWAIT = 0x40;

    private final int fd;

    DatagramListener(String name) {
        fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        UnixSocketAddress address = UnixSocketAddress.of(name);
        LibC.INSTANCE.bind(fd, address.bytes(), address.length());
    }

    /** The datagrams queued so far (the notifier sends synchronously, so they are all there). */
    List<String> received() {
        List<String> messages = new ArrayList<>();
        byte[] buffer = new byte[4096];
        while (true) {
            long length;
            try {
                length = LibC.INSTANCE.recv(fd, buffer, buffer.length, MSG_DONTWAIT);
            } catch (com.sun.jna.LastErrorException wouldBlock) {
                return messages;
            }
            messages.add(new String(buffer, 0, (int) length, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
