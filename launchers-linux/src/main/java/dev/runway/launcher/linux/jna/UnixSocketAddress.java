package dev.runway.launcher.linux.jna;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} as bytes. A name starting with '@' is Linux's abstract namespace: the '@' becomes a
 * NUL byte and the length covers exactly the name (no trailing NUL), as sd_notify does.
 */
public final class UnixSocketAddress {
    private static final int PATH_MAX_BYTES = 108;
    private static final int FAMILY_BYTES = 2;

    private final byte[] bytes;
    private final int length;

    private UnixSocketAddress(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    public static UnixSocketAddress of(String name) {
        byte[] path = name.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = name.startsWith("@");
        int pathLength = isAbstract ? path.length : path.length + 1; // a file path keeps its NUL terminator
        if (path.length == 0 || pathLength > PATH_MAX_BYTES) {
            throw new IllegalArgumentException("unix socket name '" + name + "' must have 1 to "
                    + (PATH_MAX_BYTES - 1) + " bytes");
        }
        byte[] address = new byte[FAMILY_BYTES + PATH_MAX_BYTES];
        // sa_family_t is an unsigned short in host byte order
        address[ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 1] = (byte) LibC.AF_UNIX;
        System.arraycopy(path, 0, address, FAMILY_BYTES, path.length);
        if (isAbstract) {
            address[FAMILY_BYTES] = 0;
        }
        return new UnixSocketAddress(address, FAMILY_BYTES + pathLength);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return length;
    }
}
