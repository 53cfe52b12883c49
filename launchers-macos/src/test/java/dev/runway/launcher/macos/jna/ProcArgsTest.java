package dev.runway.launcher.macos.jna;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** KERN_PROCARGS2 buffers as xnu lays them out (kern_sysctl.c sysctl_procargsx), built byte by byte. */
class ProcArgsTest {
    @Test
    void readsArgumentsAndEnvironmentPastThePadding() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {2, 0, 0, 0}); // argc = 2, little-endian
        out.writeBytes(ascii("/bin/sleep\0\0\0\0\0")); // exec path, then NUL padding to a word boundary
        out.writeBytes(ascii("sleep\0" + "1000\0"));
        out.writeBytes(ascii("PATH=/usr/bin\0RUNWAY_LAUNCH_ID=abc\0\0"));
        out.writeBytes(ascii("garbage after the end\0"));
        byte[] buffer = out.toByteArray();

        ProcArgs args = ProcArgs.parse(buffer, buffer.length);

        assertThat(args.arguments()).containsExactly("sleep", "1000");
        assertThat(args.environment()).containsExactly("PATH=/usr/bin", "RUNWAY_LAUNCH_ID=abc");
    }

    @Test
    void toleratesTruncatedAndEmptyBuffers() {
        byte[] truncated = new byte[] {1, 0, 0, 0, '/', 'x', 0, 'a', 'b'};
        assertThat(ProcArgs.parse(truncated, truncated.length).arguments()).containsExactly("ab");
        assertThat(ProcArgs.parse(new byte[2], 2).arguments()).isEmpty();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
