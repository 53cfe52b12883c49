package dev.runway.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The admin token: made on first start, kept in {@code DATA/admin-token} with mode 0600, read on later starts. */
final class AdminToken {
    static final String FILE_NAME = "admin-token";

    private AdminToken() {}

    static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                create(file, Tokens.generate());
            }
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.length() < 32) {
                throw new IllegalStateException(file + " does not hold a token (delete it to make a new one)");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the admin token file " + file, e);
        }
    }

    private static void create(Path file, String token) throws IOException {
        try {
            Files.createFile(file, PrivateFiles.OWNER_ONLY_FILE);
        } catch (FileAlreadyExistsException e) {
            return; // another start made it first
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
