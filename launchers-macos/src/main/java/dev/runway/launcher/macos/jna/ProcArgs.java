package dev.runway.launcher.macos.jna;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the buffer {@code sysctl(CTL_KERN, KERN_PROCARGS2, pid)} returns: an int argc (native order; little-endian on
 * both x86_64 and arm64), the executable path, NUL padding, argc NUL-terminated arguments, then the environment as
 * NUL-terminated {@code NAME=value} strings up to an empty string or the end.
 */
public record ProcArgs(List<String> arguments, List<String> environment) {
    public static ProcArgs parse(byte[] buffer, int length) {
        if (length < Integer.BYTES) {
            return new ProcArgs(List.of(), List.of());
        }
        int argc = ByteBuffer.wrap(buffer, 0, Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int position = skipString(buffer, Integer.BYTES, length); // the executable path
        while (position < length && buffer[position] == 0) {
            position++;
        }
        List<String> arguments = new ArrayList<>();
        while (arguments.size() < argc && position < length) {
            int end = skipString(buffer, position, length);
            arguments.add(new String(buffer, position, end - 1 - position, StandardCharsets.UTF_8));
            position = end;
        }
        List<String> environment = new ArrayList<>();
        while (position < length && buffer[position] != 0) {
            int end = skipString(buffer, position, length);
            environment.add(new String(buffer, position, end - 1 - position, StandardCharsets.UTF_8));
            position = end;
        }
        return new ProcArgs(List.copyOf(arguments), List.copyOf(environment));
    }

    /** The index just past the NUL that ends the string at {@code start} (or {@code length} + 1 when unterminated). */
    private static int skipString(byte[] buffer, int start, int length) {
        int i = start;
        while (i < length && buffer[i] != 0) {
            i++;
        }
        return i + 1;
    }
}
