package dev.runway.cli.install;

import dev.runway.cli.Runway;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import picocli.CommandLine;

/** A temporary system root with the account files useradd edits, a small runtime image and a token file. */
final class TestRoot {
    static final String TOKEN = "rc-token-7f3a9c1e5b2d4f6a8c0e";

    final Path root;
    final Path image;
    final Path tokenFile;

    TestRoot(Path temp) throws IOException {
        root = Files.createDirectories(temp.resolve("root"));
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\n");
        // A real root has login.defs (USERGROUPS_ENAB: userdel removes the user's own group); take the host's.
        if (Files.isRegularFile(Path.of("/etc/login.defs"))) {
            Files.copy(Path.of("/etc/login.defs"), etc.resolve("login.defs"));
        }
        Files.setPosixFilePermissions(etc.resolve("shadow"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(etc.resolve("gshadow"), PosixFilePermissions.fromString("rw-r-----"));
        image = fakeImage(temp.resolve("image"), "one");
        tokenFile = temp.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** The shape of a jlink image (bin/runway, bin/java, lib/modules); the copy logic does not care about content. */
    static Path fakeImage(Path dir, String content) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("bin/runway"), "#!/bin/sh\necho runway " + content + "\n");
        Files.writeString(dir.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(dir.resolve("bin/runway"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(dir.resolve("lib/modules"), ("modules " + content).getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    Path at(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** Runs `runway ARGS` in this JVM; stdout and stderr are captured. */
    static Run runway(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Runway.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** Every path under the root with its size, mode and modification time: equal snapshots mean nothing changed. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                state.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir " + mode(p)
                        : Files.size(p) + " " + mode(p) + " " + Files.getLastModifiedTime(p).toMillis()
                                + (Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : ""));
            }
        }
        return state;
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
