package dev.runway.taskagent.circleci;

import dev.runway.protocol.GoDuration;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.TestRecord;
import dev.runway.protocol.RunnerApi.TestTimings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code circleci tests glob|split|run}, as a job runs it: the task agent puts a {@code circleci} script in the job's
 * PATH that starts this (through {@code runway circleci}). It reads what the task agent prepared for the task, never
 * the server: the timings of the job's earlier run are in the file {@link #TIMINGS_VARIABLE} names.
 */
public final class CircleciCommand {
    /** The variable naming the timings file the task agent wrote at the task's start (JSON, {@link TestTimings}). */
    public static final String TIMINGS_VARIABLE = "RUNWAY_TEST_TIMINGS";
    static final String USAGE = """
            usage: circleci tests glob PATTERN...
                   circleci tests split [--split-by=name|filesize|timings] [--timings-type=filename|classname|testname]
                                        [--time-default=DURATION] [--index=N] [--total=M] [FILE...]
                   circleci tests run --command=COMMAND [split options] [--verbose]
            Test names come from standard input (or the FILEs), separated by white space; the node comes from
            CIRCLE_NODE_INDEX and CIRCLE_NODE_TOTAL unless --index and --total are given.""";

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final Path workingDirectory;

    public CircleciCommand(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
            Path workingDirectory) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    /** Runs {@code circleci ARGS}; the exit status. */
    public int run(String... args) {
        try {
            if (args.length < 2 || !"tests".equals(args[0])) {
                throw new Usage(args.length == 0 ? "no command" : "unknown command: " + String.join(" ", args));
            }
            List<String> rest = Arrays.asList(args).subList(2, args.length);
            return switch (args[1]) {
                case "glob" -> glob(rest);
                case "split" -> split(rest);
                case "run" -> runTests(rest);
                default -> throw new Usage("unknown command: tests " + args[1]);
            };
        } catch (Usage e) {
            err.println("circleci: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("circleci: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private int glob(List<String> patterns) throws Usage, IOException {
        if (patterns.isEmpty()) {
            throw new Usage("tests glob: give at least one pattern");
        }
        try {
            for (String file : TestGlob.files(patterns, workingDirectory)) {
                out.println(file);
            }
        } catch (IllegalArgumentException e) {
            throw new Usage("tests glob: " + e.getMessage());
        }
        out.flush();
        return 0;
    }

    private int split(List<String> args) throws Usage, IOException {
        Options options = Options.parse(args, false);
        List<String> names = new ArrayList<>();
        if (options.files.isEmpty()) {
            names.addAll(words(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } else {
            for (String file : options.files) {
                try {
                    names.addAll(words(Files.readString(workingDirectory.resolve(file), StandardCharsets.UTF_8)));
                } catch (NoSuchFileException e) {
                    throw new IOException("tests split: " + file + ": no such file");
                }
            }
        }
        for (String name : share(options, names)) {
            out.println(name);
        }
        out.flush();
        return 0;
    }

    private int runTests(List<String> args) throws Usage, IOException, InterruptedException {
        Options options = Options.parse(args, true);
        if (options.command == null || options.command.isBlank()) {
            throw new Usage("tests run: --command is required");
        }
        List<String> share = share(options, words(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        if (options.verbose) {
            err.println("circleci tests run: node " + options.index(environment) + " of " + options.total(environment)
                    + " runs " + share.size() + " test(s): " + String.join(" ", share));
        }
        Process process = new ProcessBuilder("/bin/sh", "-c", options.command)
                .directory(workingDirectory.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread pump = new Thread(() -> copy(process.getInputStream(), out), "circleci tests run output");
        pump.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((String.join("\n", share) + (share.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
        } catch (IOException closedEarly) {
            // the command does not read its input: it still runs
        }
        int status = process.waitFor();
        pump.join();
        out.flush();
        return status;
    }

    private static void copy(InputStream from, PrintStream to) {
        try (from) {
            from.transferTo(to);
        } catch (IOException e) {
            // the command's output ended
        }
    }

    private List<String> share(Options options, List<String> names) throws Usage, IOException {
        int total = options.total(environment);
        int index = options.index(environment);
        if (total < 1 || index < 0 || index >= total) {
            throw new Usage("the node index " + index + " is not within the " + total + " nodes");
        }
        return switch (options.splitBy) {
            case "name" -> TestSplitter.byName(names, index, total);
            case "filesize" -> TestSplitter.byWeight(names, name -> size(workingDirectory.resolve(name)), index,
                    total);
            case "timings" -> TestSplitter.byTimings(names, TestSplitter.timings(timings(), options.timingsType),
                    options.timeDefault, index, total);
            default -> throw new Usage("--split-by: \"" + options.splitBy + "\" is not one of name, filesize,"
                    + " timings");
        };
    }

    /** The stored records of the job's earlier run; none (every test then weighs the same) when there are none. */
    private List<TestRecord> timings() throws IOException {
        String file = environment.get(TIMINGS_VARIABLE);
        if (file == null || file.isBlank() || !Files.isRegularFile(Path.of(file))) {
            err.println("circleci: no timing data for this job (no earlier run stored test results): splitting"
                    + " as if every test took the same time");
            return List.of();
        }
        TestTimings timings = Json.read(Files.readAllBytes(Path.of(file)), TestTimings.class);
        if (timings.tests() == null || timings.tests().isEmpty()) {
            err.println("circleci: no timing data for this job (no earlier run stored test results): splitting"
                    + " as if every test took the same time");
            return List.of();
        }
        return timings.tests();
    }

    private static double size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    /** The options of {@code split} and {@code run}. */
    private static final class Options {
        String splitBy = "name";
        TestSplitter.TimingsType timingsType = TestSplitter.TimingsType.FILENAME;
        Double timeDefault;
        Integer index;
        Integer total;
        String command;
        boolean verbose;
        final List<String> files = new ArrayList<>();

        static Options parse(List<String> args, boolean run) throws Usage {
            Options options = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String name = arg;
                String value = null;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    value = arg.substring(equals + 1);
                }
                if (!name.startsWith("--")) {
                    if (run) {
                        throw new Usage("tests run: unexpected argument " + arg + " (test names come from standard"
                                + " input)");
                    }
                    options.files.add(arg);
                    continue;
                }
                if ("--verbose".equals(name) && run) {
                    options.verbose = true;
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new Usage(name + ": needs a value");
                    }
                    value = args.get(++i);
                }
                switch (name) {
                    case "--split-by" -> options.splitBy = value;
                    case "--timings-type" -> {
                        try {
                            options.timingsType = TestSplitter.TimingsType.of(value);
                        } catch (IllegalArgumentException e) {
                            throw new Usage(e.getMessage());
                        }
                    }
                    case "--time-default" -> {
                        try {
                            options.timeDefault = GoDuration.parse(value).toMillis() / 1000.0;
                        } catch (IllegalArgumentException e) {
                            throw new Usage("--time-default: " + e.getMessage());
                        }
                    }
                    case "--index" -> options.index = number(name, value);
                    case "--total" -> options.total = number(name, value);
                    case "--command" -> {
                        if (!run) {
                            throw new Usage("--command: only for tests run");
                        }
                        options.command = value;
                    }
                    default -> throw new Usage("unknown option " + name);
                }
            }
            return options;
        }

        int index(Map<String, String> environment) throws Usage {
            return index != null ? index : variable(environment, "CIRCLE_NODE_INDEX", 0);
        }

        int total(Map<String, String> environment) throws Usage {
            return total != null ? total : variable(environment, "CIRCLE_NODE_TOTAL", 1);
        }

        private static int variable(Map<String, String> environment, String name, int fallback) throws Usage {
            String value = environment.get(name);
            return value == null || value.isBlank() ? fallback : number(name, value);
        }

        private static int number(String name, String value) throws Usage {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new Usage(name + ": \"" + value + "\" is not a whole number");
            }
        }
    }

    /** Arguments this command does not take; the message says which. */
    private static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }
}
