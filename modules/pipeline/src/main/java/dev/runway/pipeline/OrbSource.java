package dev.runway.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where registry orbs ({@code namespace/orb@version}) come from: local directories laid out as
 * {@code <dir>/<namespace>/<orb>@<version>.yml}. The compiler never reaches the network.
 */
public interface OrbSource {
    /** The source of the orb, or null when it is not available. */
    Orb find(String namespace, String name, String version);

    /** Where the source of a missing orb should be put, for the error that names it. */
    String whereToPut(String namespace, String name, String version);

    /** An orb's source: a name for messages (usually its path) and its bytes. */
    record Orb(String file, byte[] bytes) {}

    /** No orbs: every registry orb is reported missing. */
    static OrbSource none() {
        return directories(List.of());
    }

    /** The directories, searched in order (a .yml file, then .yaml). */
    static OrbSource directories(List<Path> directories) {
        List<Path> dirs = List.copyOf(directories);
        return new OrbSource() {
            @Override
            public Orb find(String namespace, String name, String version) {
                for (Path dir : dirs) {
                    for (String extension : List.of(".yml", ".yaml")) {
                        Path file = dir.resolve(namespace).resolve(name + "@" + version + extension);
                        if (Files.isRegularFile(file)) {
                            try {
                                return new Orb(file.toString(), Files.readAllBytes(file));
                            } catch (IOException e) {
                                throw new UncheckedIOException("cannot read the orb source " + file, e);
                            }
                        }
                    }
                }
                return null;
            }

            @Override
            public String whereToPut(String namespace, String name, String version) {
                if (dirs.isEmpty()) {
                    return "an orb directory (none is configured)";
                }
                return dirs.stream().map(dir -> dir.resolve(namespace).resolve(name + "@" + version + ".yml")
                        .toString()).collect(Collectors.joining(" or "));
            }
        };
    }

    /**
     * The orbs of the repository holding {@code config} ({@code .circleci/orbs} beside the config, the repository
     * root being the directory that contains {@code .circleci}), then the server-wide directories.
     */
    static OrbSource forConfig(Path config, List<Path> serverDirectories) {
        Path directory = config.toAbsolutePath().getParent();
        Path circleci = directory.getFileName() != null && directory.getFileName().toString().equals(".circleci")
                ? directory : directory.resolve(".circleci");
        List<Path> dirs = new ArrayList<>();
        dirs.add(circleci.resolve("orbs"));
        dirs.addAll(serverDirectories);
        return directories(dirs);
    }
}
