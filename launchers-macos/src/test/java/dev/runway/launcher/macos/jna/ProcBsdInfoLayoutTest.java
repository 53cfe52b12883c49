package dev.runway.launcher.macos.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JNA struct against the layout of {@code struct proc_bsdinfo} in the macOS SDK (sys/proc_info.h, xnu
 * bsd/sys/proc_info.h): offsets written down from the header, sizeof 136. JNA computes layouts the same way on any
 * OS with LP64 natural alignment, so this runs on Linux; a wrong field type or order fails here, not on a Mac.
 */
class ProcBsdInfoLayoutTest {
    @Test
    void sizeMatchesTheSdkHeader() {
        assertThat(new ProcBsdInfo().size()).isEqualTo(136).isEqualTo(ProcBsdInfo.SIZE);
    }

    @Test
    void everyFieldSitsAtTheHeadersOffset() {
        Map<String, Integer> header = new LinkedHashMap<>();
        String[] uint32s = {"pbi_flags", "pbi_status", "pbi_xstatus", "pbi_pid", "pbi_ppid", "pbi_uid", "pbi_gid",
            "pbi_ruid", "pbi_rgid", "pbi_svuid", "pbi_svgid", "rfu_1"};
        for (int i = 0; i < uint32s.length; i++) {
            header.put(uint32s[i], i * 4);
        }
        header.put("pbi_comm", 48); // char[MAXCOMLEN = 16]
        header.put("pbi_name", 64); // char[2 * MAXCOMLEN]
        header.put("pbi_nfiles", 96);
        header.put("pbi_pgid", 100);
        header.put("pbi_pjobc", 104);
        header.put("e_tdev", 108);
        header.put("e_tpgid", 112);
        header.put("pbi_nice", 116);
        header.put("pbi_start_tvsec", 120);
        header.put("pbi_start_tvusec", 128);

        ProcBsdInfo info = new ProcBsdInfo();
        header.forEach((field, offset) -> assertThat(info.offsetOf(field)).as(field).isEqualTo(offset));
        assertThat(ProcBsdInfo.class.getAnnotation(Structure.FieldOrder.class).value())
                .containsExactlyElementsOf(header.keySet());
    }
}
