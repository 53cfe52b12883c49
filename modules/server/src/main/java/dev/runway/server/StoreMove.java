package dev.runway.server;

import dev.runway.server.store.OutputRepository;
import dev.runway.server.store.Store;
import dev.runway.server.store.TableDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code runway server migrate | export | import}: the schema brought up to date explicitly, and a store moved (an H2
 * data directory to PostgreSQL) with nothing lost. An export is a directory: {@code tables/} (a file per table),
 * {@code output/} (the step output files of an H2 data directory) and {@code manifest.tsv}, each table's rows and
 * SHA-256. An import checks what it reads back against that manifest and refuses a mismatch.
 */
public final class StoreMove {
    /** The step output files, as one more line of the manifest. */
    static final String OUTPUT = "step output files";
    private static final String MANIFEST = "manifest.tsv";

    private StoreMove() {}

    /** A table's rows and SHA-256 (see {@link TableDigest}), as the commands print them. */
    public record Table(String name, long rows, String sha256) {
        static List<Table> of(List<TableDigest> digests) {
            return digests.stream().map(d -> new Table(d.table(), d.rows(), d.sha256())).toList();
        }
    }

    /** Brings the store's schema to the newest version; answers what was done, for the operator. */
    public static String migrate(ServerSettings settings) {
        try (Store store = settings.database().open(settings.dataDir().toAbsolutePath())) {
            int found = store.schemaVersionAtOpen();
            return found == store.schemaVersion() ? "database schema: version " + found + ", up to date"
                    : "database schema: version " + store.schemaVersion() + " (was " + (found == 0 ? "none" : found)
                            + ")";
        }
    }

    /** Writes the store of {@code settings} into {@code dir} (which must not exist); answers each table's digest. */
    public static List<Table> export(ServerSettings settings, Path dir) {
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists already: export into a new directory");
        }
        Path dataDir = settings.dataDir().toAbsolutePath();
        try (Store store = settings.database().open(dataDir)) {
            PrivateFiles.createDirectory(dir); // job definitions and output may hold what jobs printed of secrets
            List<TableDigest> digests = new ArrayList<>(store.exportTables(dir.resolve("tables")));
            Path output = dataDir.resolve("output");
            if (!store.replicated() && Files.isDirectory(output)) {
                copyTree(output, dir.resolve("output"));
            }
            digests.add(outputFiles(dir.resolve("output")));
            writeManifest(dir.resolve(MANIFEST), digests);
            return Table.of(digests);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export into " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads an export into the PostgreSQL store of {@code settings} (new and empty: the schema is created first);
     * answers each table's digest as read back, after checking it against the export's manifest.
     */
    public static List<Table> importInto(ServerSettings settings, Path dir) {
        if (settings.database().embedded()) {
            throw new IllegalArgumentException("import needs a PostgreSQL database to import into: give --database"
                    + " (or $" + ServerDatabase.URL_VARIABLE + ")");
        }
        List<TableDigest> expected = readManifest(dir.resolve(MANIFEST));
        try (Store store = settings.database().open(settings.dataDir().toAbsolutePath())) {
            List<TableDigest> digests = new ArrayList<>(store.importTables(dir.resolve("tables")));
            digests.add(loadOutput(store.output(), dir.resolve("output")));
            List<String> problems = new ArrayList<>();
            for (TableDigest want : expected) {
                TableDigest got = digests.stream().filter(d -> d.table().equals(want.table())).findFirst()
                        .orElse(new TableDigest(want.table(), 0, "(table missing)"));
                if (!got.equals(want)) {
                    problems.add(want.table() + ": exported " + want.rows() + " rows " + want.sha256() + ", imported "
                            + got.rows() + " rows " + got.sha256());
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the import differs from the export: " + String.join("; ", problems));
            }
            return Table.of(digests);
        }
    }

    /** Every step output file under {@code root} as "TASK/STEP sha256" lines, sorted, digested. */
    private static TableDigest outputFiles(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path log : logs(root)) {
            lines.add(root.relativize(log) + " " + sha256(Files.readAllBytes(log)));
        }
        lines.sort(null);
        return new TableDigest(OUTPUT, lines.size(), sha256(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
    }

    /** Appends each output file into the store, then digests what the store reads back, as {@link #outputFiles}. */
    private static TableDigest loadOutput(OutputRepository output, Path root) {
        try {
            List<String> lines = new ArrayList<>();
            for (Path log : logs(root)) {
                String task = log.getParent().getFileName().toString();
                int step = Integer.parseInt(log.getFileName().toString().replace(".log", ""));
                byte[] bytes = Files.readAllBytes(log);
                output.append(task, step, 0, bytes, readAt(log));
                java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
                for (long at = 0; at < bytes.length; ) {
                    byte[] piece = output.read(task, step, at, Limits.OUTPUT_READ);
                    if (piece.length == 0) {
                        break;
                    }
                    back.writeBytes(piece);
                    at += piece.length;
                }
                lines.add(root.relativize(log) + " " + sha256(back.toByteArray()));
            }
            lines.sort(null);
            return new TableDigest(OUTPUT, lines.size(), sha256(String.join("\n", lines)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the exported output in " + root, e);
        }
    }

    private static List<Path> logs(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d+\\.log")).sorted().toList();
        }
    }

    /** When the first chunk was read (the {@code STEP.at} file beside the log), or 0. */
    private static long readAt(Path log) throws IOException {
        Path at = log.resolveSibling(log.getFileName().toString().replace(".log", ".at"));
        if (!Files.exists(at)) {
            return 0;
        }
        String first = Files.readAllLines(at).stream().findFirst().orElse("0 0");
        return Long.parseLong(first.substring(first.indexOf(' ') + 1).strip());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    PrivateFiles.createDirectory(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void writeManifest(Path file, List<TableDigest> digests) throws IOException {
        StringBuilder text = new StringBuilder("# table\trows\tsha256\n");
        digests.forEach(d -> text.append(d.table()).append('\t').append(d.rows()).append('\t').append(d.sha256())
                .append('\n'));
        Files.writeString(file, text);
    }

    private static List<TableDigest> readManifest(Path file) {
        try {
            List<TableDigest> digests = new ArrayList<>();
            int number = 0;
            for (String line : Files.readAllLines(file)) {
                number++;
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length != 3) {
                    throw new IllegalArgumentException(file + " line " + number + ": expected table, rows, sha256");
                }
                digests.add(new TableDigest(fields[0], Long.parseLong(fields[1]), fields[2]));
            }
            return digests;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (is this a runway server export?): " + e, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
