package dev.runway.server.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the object id a ref holds straight from a bare repository's files (git's "files" ref storage: a loose
 * {@code refs/...} file, else its line in {@code packed-refs}), without starting git. It answers only what it can be
 * sure of: a symbolic ref, a repository in another ref format (reftable), an unreadable or odd file all answer null,
 * and the caller asks git instead. The id is what the ref holds, not peeled: {@link GitRepositories#resolve} uses it
 * only when git already answered that id as a commit.
 */
final class MirrorRefs {
    private MirrorRefs() {}

    /**
     * The id {@code ref} (a full name, {@code refs/heads/main}) holds in the bare repository {@code gitDir}, or null
     * when it is absent or not plainly readable.
     */
    static String read(Path gitDir, String ref) {
        if (!ref.startsWith("refs/") || ref.contains("..") || ref.contains("\\") || ref.endsWith("/")) {
            return null;
        }
        if (Files.exists(gitDir.resolve("reftable"))) {
            return null;
        }
        try {
            String loose = Files.readString(gitDir.resolve(ref), StandardCharsets.UTF_8).strip();
            return isObjectId(loose) ? loose : null; // "ref: ..." (symbolic) is left to git
        } catch (NoSuchFileException absent) {
            return packed(gitDir, ref);
        } catch (IOException | RuntimeException unreadable) { // a directory of that name, a malformed file
            return null;
        }
    }

    /** The ref's line of {@code packed-refs} ("ID NAME", each optionally followed by a "^PEELED" line). */
    private static String packed(Path gitDir, String ref) {
        String text;
        try {
            text = Files.readString(gitDir.resolve("packed-refs"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException absentOrUnreadable) {
            return null;
        }
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.length() == space + 1 + ref.length() && line.startsWith(ref, space + 1)) {
                String id = line.substring(0, space);
                return isObjectId(id) ? id : null;
            }
        }
        return null;
    }

    private static boolean isObjectId(String text) {
        if (text.length() != 40 && text.length() != 64) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }
}
