package dev.runway.taskagent.storage;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import com.github.luben.zstd.util.Native;
import com.github.luben.zstd.util.ZstdVersion;
import io.airlift.compress.zstd.ZstdInputStream;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * zstd streams for archives: the native zstd library (zstd-jni) at level 1, or, where its library cannot be loaded,
 * aircompressor's pure-Java zstd. Level 1 rather than zstd's default 3: a cache or workspace is mostly files that are
 * compressed already (jars, zips, images), where level 3 takes about twice level 1's CPU for an archive some 10%
 * smaller (docs/architecture.md has the figures), and the task's CPU is what a save waits for. Both write and read the
 * same standard zstd frames, so an archive written by one is read by the other. The image ships zstd-jni's library
 * in its {@code lib} directory (modules/distribution/build-image.sh), where it is loaded from; elsewhere (tests, a
 * platform the image has no library for) zstd-jni unpacks it from its jar into the temporary directory, which a
 * sandboxed unit may mount {@code noexec}.
 */
final class ZstdStreams {
    private static final Logger LOG = LoggerFactory.getLogger(ZstdStreams.class);
    /** zstd's fastest regular level (see above). */
    private static final int LEVEL = 1;
    /** zstd-jni's system property naming the library file to load. */
    private static final String NATIVE_PATH = "ZstdNativePath";
    private static final boolean NATIVE = loadNative();

    private ZstdStreams() {}

    /** Compresses what is written into {@code out}; closing the stream ends the frame and closes {@code out}. */
    static OutputStream compressing(OutputStream out) throws IOException {
        if (!NATIVE) {
            return new ZstdOutputStream(out);
        }
        ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, LEVEL);
        // one worker thread compresses while the writing thread hashes and writes what it gives (as zstd's own
        // command line does by default)
        zstd.setWorkers(1);
        return zstd;
    }

    /** Decompresses {@code in} (one or more frames). */
    static InputStream decompressing(InputStream in) throws IOException {
        return NATIVE ? new ZstdInputStreamNoFinalizer(in) : new ZstdInputStream(in);
    }

    /** Whether the native zstd library is in use. */
    static boolean isNative() {
        return NATIVE;
    }

    /** zstd-jni's library in the runtime's {@code lib} directory, as the image has it: its file name has the version. */
    private static Path bundledLibrary() {
        return Path.of(System.getProperty("java.home"), "lib",
                System.mapLibraryName("zstd-jni-" + ZstdVersion.VERSION));
    }

    private static boolean loadNative() {
        Path bundled = bundledLibrary();
        if (Files.isRegularFile(bundled) && System.getProperty(NATIVE_PATH) == null) {
            // zstd-jni's own setting: load the library from this file instead of unpacking its copy
            System.setProperty(NATIVE_PATH, bundled.toString());
            try {
                Native.load();
                return true;
            } catch (RuntimeException | LinkageError unusable) {
                LOG.warn("zstd's library {} cannot be loaded ({}); trying zstd-jni's own copy", bundled,
                        unusable.toString());
            } finally {
                System.clearProperty(NATIVE_PATH);
            }
        }
        try {
            Native.load();
            return true;
        } catch (RuntimeException | LinkageError unavailable) {
            LOG.warn("native zstd is unavailable ({}); archives use the slower pure-Java zstd", unavailable.toString());
            return false;
        }
    }
}
