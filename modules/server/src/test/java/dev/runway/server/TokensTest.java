package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is stored of a token: the keys of task tokens follow their issue order, other tokens hash as before. */
class TokensTest {
    @Test
    void taskTokenKeysSortInTheOrderTheTokensWereIssued() throws Exception {
        List<String> keys = new ArrayList<>();
        for (long millis = 1_796_000_000_000L; millis < 1_796_000_000_000L + 2_000; millis += 7) {
            keys.add(Tokens.hash(Tokens.generateTaskToken(millis)));
        }
        assertThat(keys).as("each claim adds its key at the end of the token index").isSorted();
        String token = Tokens.generateTaskToken(1_796_000_000_000L);
        assertThat(token).matches("[0-9a-f]{12}\\.[0-9a-f]{64}");
        assertThat(Tokens.hash(token)).isEqualTo(token.substring(0, 13) + sha256(token))
                .as("the whole token is hashed").isNotEqualTo(Tokens.hash(Tokens.generateTaskToken(1_796_000_000_000L)));
    }

    @Test
    void otherTokensHashToTheirSha256Alone() throws Exception {
        String token = Tokens.generate();
        assertThat(Tokens.hash(token)).isEqualTo(sha256(token));
        // a token that only looks like a task token in part keeps its plain hash
        assertThat(Tokens.hash("0123456789AB.x")).isEqualTo(sha256("0123456789AB.x"));
        assertThat(Tokens.hash("0123456789a.x")).isEqualTo(sha256("0123456789a.x"));
        assertThat(Tokens.hash("short")).isEqualTo(sha256("short"));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                text.getBytes(StandardCharsets.UTF_8)));
    }
}
