package dev.runway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Runs 100,000+ random and mutated documents through the loader: whatever the input, the only exception that may
 * escape is {@link ConfigException}, and no message may hold the token. Seeded, so a failure is reproducible: the
 * failing input is printed, with its worker and index.
 */
class ConfigFuzzTest {
    private static final long SEED = 20261129L;
    private static final int INPUTS = 100_000;
    private static final int WORKERS = 2;
    private static final String TOKEN = Configs.TOKEN;
    private static final String[] KEYS = {"api", "runner", "logging", "health", "auth_token", "url", "name",
            "command_prefix", "working_directory", "cleanup_working_directory", "max_run_time", "mode",
            "idle_timeout", "disable_auto_update", "launcher", "task_user", "max_concurrent_tasks", "grace_period",
            "standby_timeout", "ssh", "advertise_addr", "file", "level", "format", "max_file_size", "max_files",
            "listen", "x", "<<"};
    private static final String[] SCALARS = {"", "~", "null", "true", "no", "0", "-1", "1e400", "0x1F", "0o17",
            ".inf", "-.nan", "5h", "1h30m", "1.5h", "500ms", "-5m", "%s", "/tmp/%s", "/a/%s/%s", "ns/rc", "\"\"",
            "'it''s'", "\"\\u0000\"", "\"\\x41\"", "[]", "{}", "[a, [b, {c: d}]]", "!!binary aGVsbG8=", "!!str 5",
            "!!int x", "!!float y", "!!map {}", "!custom z", "&anchor v", "*anchor", "|\n  block\n  text",
            ">-\n  folded", "\"unterminated", "'unterminated", "9".repeat(400), "1" + "0".repeat(300), "12:30:00",
            "2026-11-29", "0b1010", "+12", "1_000", "ünïcödé", "\u202e", "💥", "\t", "? complex\n: key"};

    @Test
    void onlyConfigExceptionEverEscapes() throws Exception {
        long cpuStart = processCpuMillis();
        long wallStart = System.nanoTime();
        // A fixed number of workers, each with its own seed: the inputs are the same on any machine.
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int worker = 0; worker < WORKERS; worker++) {
                int id = worker;
                results.add(workers.submit(() -> fuzz(id, INPUTS / WORKERS)));
            }
            long[] nanos = new long[4];
            for (Future<long[]> result : results) {
                long[] part = result.get();
                for (int kind = 0; kind < nanos.length; kind++) {
                    nanos[kind] += part[kind];
                }
            }
            // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours.
            System.out.printf("fuzz: %d inputs in %d ms on %d threads; parse time generated %d ms, mutated %d ms, "
                    + "hostile %d ms; process CPU time %d ms%n", INPUTS, (System.nanoTime() - wallStart) / 1_000_000,
                    WORKERS, nanos[0] / 1_000_000, (nanos[1] + nanos[2]) / 1_000_000, nanos[3] / 1_000_000,
                    processCpuMillis() - cpuStart);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failure) {
                throw failure; // the failing input, as the worker reported it
            }
            throw e;
        } finally {
            workers.shutdownNow();
        }
    }

    /** One worker's share; returns the time spent parsing per kind of input. */
    private static long[] fuzz(int worker, int count) {
        Random random = new Random(SEED + worker);
        List<String> seeds = seeds();
        long[] nanos = new long[4];
        for (int i = 0; i < count; i++) {
            byte[] input = switch (i % 4) {
                case 0 -> generated(random).getBytes(StandardCharsets.UTF_8);
                case 1, 2 -> mutated(random, seeds.get(random.nextInt(seeds.size())));
                default -> hostile(random);
            };
            long start = System.nanoTime();
            check(worker + "/" + i, input, random.nextInt(8) == 0 ? environment(random) : Map.of());
            nanos[i % 4] += System.nanoTime() - start;
        }
        return nanos;
    }

    private static long processCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    private static void check(String index, byte[] input, Map<String, String> environment) {
        LoadedConfig loaded = null;
        ConfigException refused = null;
        try {
            loaded = ConfigLoader.parse(Configs.FILE, input, environment, () -> Configs.HOST);
        } catch (ConfigException e) {
            refused = e;
        } catch (RuntimeException | Error e) {
            fail("input #" + index + " (" + Arrays.toString(Arrays.copyOf(input, Math.min(input.length, 400)))
                    + ") as text:\n" + new String(input, StandardCharsets.UTF_8) + "\nraised " + e, e);
        }
        if (refused != null) {
            assertThat(refused.problems()).isNotEmpty();
            assertNoToken(index, input, refused.getMessage());
        } else {
            assertThat(loaded.config()).isNotNull();
            assertNoToken(index, input, String.join("\n", loaded.warnings()));
            assertNoToken(index, input, loaded.toString());
        }
    }

    private static void assertNoToken(String index, byte[] input, String text) {
        if (text.contains(TOKEN)) {
            fail("input #" + index + " leaked the token:\n" + new String(input, StandardCharsets.UTF_8)
                    + "\nin:\n" + text);
        }
    }

    private static List<String> seeds() {
        List<String> seeds = new ArrayList<>(List.of(Samples.GUIDE_LINUX, Samples.GUIDE_MACOS, Samples.NESTED_FULL,
                Samples.read(Samples.LINUX), Samples.read(Samples.MACOS)));
        seeds.replaceAll(seed -> seed.replace("REPLACE_WITH_RESOURCE_CLASS_TOKEN", TOKEN)
                .replace("AUTH_TOKEN_VALUE_1234", TOKEN).replace("auth_token: AUTH_TOKEN", "auth_token: " + TOKEN));
        return seeds;
    }

    /** A random document from the configuration's own keys and tricky scalars, nested at random. */
    private static String generated(Random random) {
        StringBuilder out = new StringBuilder();
        int entries = 1 + random.nextInt(12);
        for (int i = 0; i < entries; i++) {
            appendEntry(random, out, 0);
        }
        return out.toString();
    }

    private static void appendEntry(Random random, StringBuilder out, int depth) {
        String indent = "  ".repeat(depth);
        String key = KEYS[random.nextInt(KEYS.length)];
        int shape = random.nextInt(depth > 4 ? 2 : 4);
        switch (shape) {
            case 0, 1 -> out.append(indent).append(key).append(": ")
                    .append(key.equals("auth_token") ? TOKEN : SCALARS[random.nextInt(SCALARS.length)]).append('\n');
            case 2 -> {
                out.append(indent).append(key).append(":\n");
                int children = 1 + random.nextInt(4);
                for (int i = 0; i < children; i++) {
                    appendEntry(random, out, depth + 1);
                }
            }
            default -> {
                out.append(indent).append(key).append(":\n");
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    out.append(indent).append("  - ").append(SCALARS[random.nextInt(SCALARS.length)]).append('\n');
                }
            }
        }
    }

    /** A seed with one to four edits: lines deleted, duplicated, swapped, re-indented; bytes changed. */
    private static byte[] mutated(Random random, String seed) {
        List<String> lines = new ArrayList<>(List.of(seed.split("\n", -1)));
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> {
                    int other = random.nextInt(lines.size());
                    String line = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
                case 3 -> lines.set(at, "\t" + lines.get(at));
                case 4 -> lines.set(at, " ".repeat(random.nextInt(5)) + lines.get(at).strip());
                case 5 -> lines.set(at, lines.get(at) + " " + SCALARS[random.nextInt(SCALARS.length)]);
                case 6 -> lines.add(at, KEYS[random.nextInt(KEYS.length)] + ": &a [*a, *a]");
                case 7 -> {
                    String line = lines.get(at);
                    int colon = line.indexOf(':');
                    if (colon >= 0) {
                        lines.set(at, line.substring(0, colon + 1) + " " + SCALARS[random.nextInt(SCALARS.length)]);
                    }
                }
                default -> lines.set(at, lines.get(at).toUpperCase());
            }
        }
        byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        return random.nextInt(4) == 0 ? flipBytes(random, bytes) : bytes;
    }

    private static byte[] flipBytes(Random random, byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        byte[] copy = bytes.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return random.nextBoolean() ? copy : Arrays.copyOf(copy, random.nextInt(copy.length + 1));
    }

    /** Deep nesting, alias bombs, huge numbers and keys, pure noise. */
    private static byte[] hostile(Random random) {
        int depth = 1 + random.nextInt(2000);
        String text = switch (random.nextInt(9)) {
            case 0 -> "[".repeat(depth) + "]".repeat(random.nextInt(depth + 1));
            case 1 -> "{a: ".repeat(depth) + "1" + "}".repeat(depth);
            case 2 -> nestedBlocks(Math.min(depth, 200));
            case 3 -> billionLaughs(1 + random.nextInt(10));
            case 4 -> "runner:\n  max_concurrent_tasks: " + "9".repeat(1 + random.nextInt(3000)) + "\n";
            case 5 -> "api:\n  auth_token: " + TOKEN + "\nrunner:\n  " + "k".repeat(1 + random.nextInt(5000))
                    + ": 1\n";
            case 6 -> "- ".repeat(Math.min(depth, 300)) + "x\n";
            case 7 -> "api:\n  auth_token: " + TOKEN + "\nrunner:\n  name: " + randomText(random, 40) + "\n";
            default -> null;
        };
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] noise = new byte[random.nextInt(300)];
        random.nextBytes(noise);
        return noise;
    }

    private static String nestedBlocks(int depth) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            out.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        return out.append("  ".repeat(depth)).append("v\n").toString();
    }

    /** The classic YAML bomb: each level refers to the previous one ten times. */
    static String billionLaughs(int levels) {
        StringBuilder out = new StringBuilder("a0: &a0 [\"lol\"]\n");
        for (int level = 1; level <= levels; level++) {
            out.append('a').append(level).append(": &a").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                out.append(i == 0 ? "" : ", ").append("*a").append(level - 1);
            }
            out.append("]\n");
        }
        return out.toString();
    }

    private static String randomText(Random random, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.appendCodePoint(random.nextInt(3) == 0 ? random.nextInt(0x3000) : 'a' + random.nextInt(26));
        }
        return out.toString();
    }

    private static Map<String, String> environment(Random random) {
        String[] names = {"LAUNCH_AGENT_API_AUTH_TOKEN", "CIRCLECI_API_TOKEN", "LAUNCH_AGENT_RUNNER_COMMAND_PREFIX",
                "CIRCLECI_RUNNER_COMMAND_PREFIX", "LAUNCH_AGENT_RUNNER_MAX_RUN_TIME", "LAUNCH_AGENT_RUNNER_NAME",
                "LAUNCH_AGENT_LOGGING_MAX_FILE_SIZE", "LAUNCH_AGENT_RUNNER_MAX_CONCURRENT_TASKS", "LAUNCH_AGENT_X"};
        String name = names[random.nextInt(names.length)];
        boolean tokenVariable = name.endsWith("TOKEN");
        return Map.of(name, tokenVariable && random.nextBoolean() ? TOKEN : SCALARS[random.nextInt(SCALARS.length)]);
    }
}
