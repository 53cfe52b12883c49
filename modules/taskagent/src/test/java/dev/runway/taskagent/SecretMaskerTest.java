package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputSink sink = (bytes, offset, length, at) -> out.write(bytes, offset, length);

    private String mask(List<String> secrets, String... writes) throws InterruptedException {
        out.reset();
        SecretMasker masker = new SecretMasker(secrets, sink);
        for (String write : writes) {
            byte[] bytes = write.getBytes(StandardCharsets.UTF_8);
            masker.write(bytes, 0, bytes.length, 1);
        }
        masker.finish(2);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void masksSecretInOneWrite() throws Exception {
        assertThat(mask(List.of("hunter22"), "password is hunter22, ok\n")).isEqualTo("password is ********, ok\n");
    }

    @Test
    void masksSecretSplitAtEveryPositionAcrossTwoWrites() throws Exception {
        String text = "before s3cr3t-value after s3cr3t-value";
        for (int split = 0; split <= text.length(); split++) {
            assertThat(mask(List.of("s3cr3t-value"), text.substring(0, split), text.substring(split)))
                    .as("split at %d", split).isEqualTo("before ******** after ********");
        }
    }

    @Test
    void masksSecretSplitIntoSingleBytes() throws Exception {
        String text = "xx TOPSECRET yy";
        String[] bytes = text.split("");
        assertThat(mask(List.of("TOPSECRET"), bytes)).isEqualTo("xx ******** yy");
    }

    @Test
    void masksMultiLineSecretWholeAndLineByLine() throws Exception {
        String key = "-----BEGIN KEY-----\nline-one-abc\nline-two-def\n-----END KEY-----";
        assertThat(mask(List.of(key), "key: ", key.substring(0, 25), key.substring(25), "\n"))
                .isEqualTo("key: ********\n");
        assertThat(mask(List.of(key), "first line-two-def then line-one-abc\n"))
                .isEqualTo("first ******** then ********\n");
    }

    @Test
    void longestSecretWinsWhenOneIsPrefixOfAnother() throws Exception {
        assertThat(mask(List.of("abcd", "abcdefgh"), "1 abcdefgh 2 abcdXY", " 3 abcd")).isEqualTo(
                "1 ******** 2 ********XY 3 ********");
    }

    @Test
    void partialSecretAtEndOfStreamIsPrintedAsIs() throws Exception {
        assertThat(mask(List.of("secret-token"), "ends with secret-to")).isEqualTo("ends with secret-to");
    }

    @Test
    void shortValuesAreNotMasked() throws Exception {
        assertThat(mask(List.of("abc", ""), "abc abc")).isEqualTo("abc abc");
    }

    @Test
    void holdsBackLessThanTheLongestSecret() throws Exception {
        out.reset();
        SecretMasker masker = new SecretMasker(List.of("0123456789"), sink);
        byte[] bytes = "xxxxxxxxxx012345678".getBytes(StandardCharsets.UTF_8);
        masker.write(bytes, 0, bytes.length, 1);
        assertThat(masker.maxHeldBack()).isEqualTo(9);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("xxxxxxxxxx");
        byte[] rest = "9!".getBytes(StandardCharsets.UTF_8);
        masker.write(rest, 0, rest.length, 1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("xxxxxxxxxx********!");
    }

    @Test
    void agreesWithARegularExpressionOnRandomTextCutAtRandomPlaces() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 300; round++) {
            List<String> secrets = new java.util.ArrayList<>();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                secrets.add(randomText(random, 4 + random.nextInt(6)));
            }
            StringBuilder text = new StringBuilder();
            for (int piece = random.nextInt(30); piece > 0; piece--) {
                text.append(random.nextBoolean() ? secrets.get(random.nextInt(secrets.size()))
                        : randomText(random, random.nextInt(8)));
            }
            assertThat(mask(secrets, cut(text.toString(), random, 7))).as("secrets %s in %s", secrets, text)
                    .isEqualTo(maskedByRegularExpression(secrets, text.toString()));
        }
    }

    @Test
    void skippingScanMasksATokenInNumberedLinesSplitAtEveryPosition() throws Exception {
        // seq-like output and a hex token: the scan skips most of the text; the token, cut anywhere, is still found
        String token = "3a5f00c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f809";
        StringBuilder lines = new StringBuilder();
        for (int n = 1; n <= 40; n++) {
            lines.append(n).append('\n');
        }
        String text = lines + "token=" + token + "\n" + lines + token;
        String expected = lines + "token=********\n" + lines + "********";
        for (int split = 0; split <= text.length(); split++) {
            assertThat(mask(List.of(token, "s3cr3t-password"), text.substring(0, split), text.substring(split)))
                    .as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void agreesWithARegularExpressionForLongSecretsInLargeWrites() throws Exception {
        // secrets of every length around the skip window's cap, in text made of their own pieces
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 200; round++) {
            List<String> secrets = new java.util.ArrayList<>();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                secrets.add(randomText(random, 4 + random.nextInt(200)));
            }
            StringBuilder text = new StringBuilder();
            for (int piece = random.nextInt(60); piece > 0; piece--) {
                String secret = secrets.get(random.nextInt(secrets.size()));
                int cut = random.nextInt(secret.length() + 1);
                text.append(switch (random.nextInt(3)) {
                    case 0 -> secret;
                    case 1 -> secret.substring(0, cut); // a prefix: held back, then let go
                    default -> randomText(random, random.nextInt(300));
                });
            }
            assertThat(mask(secrets, cut(text.toString(), random, 2000))).as("round %d", round)
                    .isEqualTo(maskedByRegularExpression(secrets, text.toString()));
        }
    }

    /** {@code text} cut into writes of 1 to {@code longest} characters. */
    private static String[] cut(String text, java.util.Random random, int longest) {
        List<String> writes = new java.util.ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int next = Math.min(text.length(), at + 1 + random.nextInt(longest));
            writes.add(text.substring(at, next));
            at = next;
        }
        return writes.toArray(String[]::new);
    }

    /** What the masker must make of {@code text}: its forms (each value, each line of a multi-line value) masked. */
    private static String maskedByRegularExpression(List<String> secrets, String text) {
        return java.util.regex.Pattern.compile(SecretMasker.maskableForms(secrets).stream()
                .sorted(java.util.Comparator.comparingInt(String::length).reversed())
                .map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining("|")))
                .matcher(text).replaceAll("********");
    }

    /** Text over a small alphabet, so secrets overlap and repeat. */
    private static String randomText(java.util.Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append("ab1\n".charAt(random.nextInt(4)));
        }
        return text.toString();
    }

    @Test
    void passesThroughUntouchedWithoutSecrets() throws Exception {
        assertThat(mask(List.of(), "a", "b\u00e9c")).isEqualTo("ab\u00e9c");
    }
}
