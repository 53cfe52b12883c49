package dev.runway.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A job of the suite: its steps, and what it must leave behind when nothing stops it: its own outcome and, for each
 * step whose output is deterministic, the exact bytes (derived from the seed; null where output is not compared).
 */
record FaultJob(String name, Kind kind, List<JsonNode> steps, List<byte[]> expectedOutput, JobState ownOutcome) {
    /** What the job does. Hostile kinds try to hurt the machine or the agent, within bounds. */
    enum Kind {
        LINES, SLOW_LINES, BINARY, MULTI_STEP, FAILING, FORK_MANY, EAT_MEMORY, CLOSE_STDOUT, PRINT_ENV, BIG_OUTPUT,
        WRITE_FILES
    }

    /** Longest a suite job may run (the server fails it after that): nothing hangs the suite. */
    static final String MAX_RUN_TIME = "3m";

    JobSubmission submission(String resourceClass) {
        return new JobSubmission(resourceClass, name, steps, null, null, null, MAX_RUN_TIME);
    }

    /** Draws a job of a random kind (among {@code kinds}) from {@code random}. */
    static FaultJob random(Random random, String tag, List<Kind> kinds) {
        Kind kind = kinds.get(random.nextInt(kinds.size()));
        String name = tag + "-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Steps steps = new Steps();
        JobState outcome = JobState.SUCCESS;
        switch (kind) {
            case LINES -> steps.add(lines(random, tag, 1 + random.nextInt(400), 1 + random.nextInt(3), 0.05));
            case SLOW_LINES -> steps.add(lines(random, tag, 20 + random.nextInt(200), 4 + random.nextInt(8), 0.3));
            case BINARY -> steps.add(binary(random, 1 + random.nextInt(20_000)));
            case MULTI_STEP -> {
                steps.add(lines(random, tag + "a", 1 + random.nextInt(100), 2, 0.1));
                steps.add(binary(random, 1 + random.nextInt(3_000)));
                steps.add(lines(random, tag + "c", 1 + random.nextInt(100), 1, 0));
            }
            case FAILING -> {
                Step lines = lines(random, tag, 1 + random.nextInt(100), 2, 0.1);
                steps.add(new Step(lines.command() + "\nexit 3", lines.output()));
                steps.add(new Step("echo after-failure", "after-failure\n".getBytes(StandardCharsets.US_ASCII))
                        .when("on_fail"));
                outcome = JobState.FAILED;
            }
            // bounded: 200 sleepers in the step's group, one escaped with setsid, one double-forked
            case FORK_MANY -> steps.add(new Step("for i in $(seq 1 200); do sleep 1000 >/dev/null 2>&1 & done\n"
                    + "setsid sleep 1000 </dev/null >/dev/null 2>&1 &\n"
                    + "( sleep 1000 </dev/null >/dev/null 2>&1 & )\n"
                    + "echo forked", "forked\n".getBytes(StandardCharsets.US_ASCII)));
            // bounded: a 48 MB shell variable
            case EAT_MEMORY -> steps.add(new Step("x=$(head -c 48000000 /dev/zero | tr '\\0' x); echo ${#x}",
                    "48000000\n".getBytes(StandardCharsets.US_ASCII)));
            case CLOSE_STDOUT -> steps.add(new Step("echo before-close\nexec 1>&- 2>&-\nsleep 0.5\ntrue",
                    "before-close\n".getBytes(StandardCharsets.US_ASCII)));
            case PRINT_ENV -> steps.add(new Step("env; echo; cat /proc/$$/cmdline | tr '\\0' ' '", null));
            // 3 MB into the working directory (where a full disk hurts), then gone again; links out of the
            // directory to the cluster's canary, which the task's cleanup must leave as it is
            case WRITE_FILES -> steps.add(new Step("head -c 3000000 /dev/urandom > blob\nsleep 0.5\nrm blob\n"
                    + "if [ -n \"$" + FaultCluster.CANARY_VARIABLE + "\" ]; then ln -s \"$"
                    + FaultCluster.CANARY_VARIABLE + "\" canary-dir; mkdir -p deep/er; ln -s \"$"
                    + FaultCluster.CANARY_VARIABLE + "/file-0\" deep/er/canary-file; fi\n"
                    + "echo wrote", "wrote\n".getBytes(StandardCharsets.US_ASCII)));
            case BIG_OUTPUT -> steps.add(lines(random, tag, 60_000 + random.nextInt(39_000), 2, 0.2));
            default -> throw new IllegalStateException(kind.toString());
        }
        return new FaultJob(name, kind, steps.nodes, steps.outputs, outcome);
    }

    /** Numbered lines printed in {@code batches} by seq, {@code pause} seconds apart. */
    private static Step lines(Random random, String tag, int count, int batches, double pause) {
        String prefix = tag + "-" + Integer.toHexString(random.nextInt());
        StringBuilder command = new StringBuilder();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int from = 1;
        for (int batch = 0; batch < batches && from <= count; batch++) {
            int to = batch == batches - 1 ? count : Math.min(count, from + count / batches);
            command.append("seq -f '").append(prefix).append(" %06g' ").append(from).append(' ').append(to)
                    .append('\n');
            for (int i = from; i <= to; i++) {
                expected.writeBytes(String.format(Locale.ROOT, "%s %06d\n", prefix, i)
                        .getBytes(StandardCharsets.US_ASCII));
            }
            if (pause > 0 && to < count) {
                command.append("sleep ").append(pause).append('\n');
            }
            from = to + 1;
        }
        return new Step(command.toString(), expected.toByteArray());
    }

    /** Random bytes (invalid UTF-8, NULs, split multi-byte sequences included), printed in up to 3 pieces. */
    private static Step binary(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        if (length > 4) {
            bytes[0] = (byte) 0xff; // never valid UTF-8
            bytes[1] = (byte) 0xc3; // a lead byte without its continuation
            bytes[2] = 0;
        }
        StringBuilder command = new StringBuilder();
        int pieces = 1 + random.nextInt(3);
        for (int piece = 0, from = 0; piece < pieces; piece++) {
            int to = piece == pieces - 1 ? length : from + length / pieces;
            byte[] part = java.util.Arrays.copyOfRange(bytes, from, to);
            command.append("printf %s '").append(Base64.getEncoder().encodeToString(part)).append("' | base64 -d\n");
            if (piece < pieces - 1) {
                command.append("sleep 0.2\n");
            }
            from = to;
        }
        return new Step(command.toString(), bytes);
    }

    private record Step(String command, byte[] output, String when) {
        Step(String command, byte[] output) {
            this(command, output, null);
        }

        Step when(String condition) {
            return new Step(command, output, condition);
        }
    }

    private static final class Steps {
        final List<JsonNode> nodes = new ArrayList<>();
        final List<byte[]> outputs = new ArrayList<>();

        void add(Step step) {
            ObjectNode run = Json.mapper().createObjectNode().put("command", step.command());
            if (step.when() != null) {
                run.put("when", step.when());
            }
            nodes.add(Json.mapper().createObjectNode().set("run", run));
            outputs.add(step.output());
        }
    }
}
