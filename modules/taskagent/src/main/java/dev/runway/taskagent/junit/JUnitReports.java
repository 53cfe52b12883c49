package dev.runway.taskagent.junit;

import dev.runway.protocol.RunnerApi.TestRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the JUnit XML reports under a path (a file, or every {@code .xml} file below a directory) into
 * {@link TestRecord}s. One reader covers the common producers: {@code <testsuites>} or a bare {@code <testsuite>},
 * suites nested in suites, {@code <testcase>} with a {@code <failure>}, {@code <error>} or {@code <skipped>} child,
 * {@code time} in seconds (missing, or written with a thousands separator or a decimal comma), and a {@code file}
 * attribute on the case or on an enclosing suite. A file that is not such a report is a {@link Problem}, not a
 * failure of the others. The JDK's StAX parser reads it as a stream, with no DTD and no external entity: a report
 * with a {@code DOCTYPE} is refused (an XXE attempt reads nothing).
 */
public final class JUnitReports {
    /** The longest message kept per test: the head of a failure's text is what a person reads. */
    static final int MESSAGE_CHARS = 8 * 1024;
    /** The most records one path gives; beyond it the rest is named as a problem. */
    public static final int MAX_RECORDS = 200_000;

    private JUnitReports() {}

    /** What a report file could not be read as: the file (relative to the stored path) and why. */
    public record Problem(String source, String message) {}

    /** The records of every report under a path, in file order, and the files that were not reports. */
    public record Reports(List<TestRecord> tests, List<Problem> problems, int files) {}

    /** Reads {@code path}: a report file, or a directory whose {@code .xml} files (at any depth) are reports. */
    public static Reports read(Path path) throws IOException {
        List<TestRecord> tests = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Path base;
        if (Files.isDirectory(path)) {
            base = path;
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(file -> Files.isRegularFile(file)
                        && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml"))
                        .sorted().forEach(files::add);
            }
        } else if (Files.isRegularFile(path)) {
            base = path.getParent() == null ? Path.of("") : path.getParent();
            files.add(path);
        } else {
            throw new IOException(path + ": no such file or directory");
        }
        for (Path file : files) {
            String source = base.relativize(file).toString();
            try (InputStream in = Files.newInputStream(file)) {
                read(in, source, tests);
            } catch (XMLStreamException e) {
                problems.add(new Problem(source, describe(e)));
            } catch (NotAReport e) {
                problems.add(new Problem(source, e.getMessage()));
            } catch (TooMany e) {
                problems.add(new Problem(source, "more than " + MAX_RECORDS + " tests: the rest is not stored"));
                break;
            }
        }
        return new Reports(tests, problems, files.size());
    }

    /** Reads one report from {@code in} into {@code into}; {@code source} names it in the records. */
    static void read(InputStream in, String source, List<TestRecord> into) throws XMLStreamException, NotAReport,
            TooMany {
        XMLStreamReader xml = factory().createXMLStreamReader(in);
        try {
            List<TestRecord> found = new ArrayList<>();
            Deque<String> suiteFiles = new ArrayDeque<>();
            boolean root = true;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new NotAReport("a DOCTYPE is not allowed in a test report (line "
                            + xml.getLocation().getLineNumber() + ")");
                }
                if (event == XMLStreamConstants.END_ELEMENT && "testsuite".equals(xml.getLocalName())) {
                    suiteFiles.pop();
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String element = xml.getLocalName();
                if (root) {
                    root = false;
                    if (!"testsuites".equals(element) && !"testsuite".equals(element)) {
                        throw new NotAReport("the root element is <" + element + ">, not <testsuites> or"
                                + " <testsuite>");
                    }
                }
                if ("testsuite".equals(element)) {
                    String file = attribute(xml, "file");
                    suiteFiles.push(file != null ? file : suiteFiles.isEmpty() ? "" : suiteFiles.peek());
                } else if ("testcase".equals(element)) {
                    if (into.size() + found.size() >= MAX_RECORDS) {
                        into.addAll(found);
                        throw new TooMany();
                    }
                    String inherited = suiteFiles.isEmpty() || suiteFiles.peek().isEmpty() ? null : suiteFiles.peek();
                    found.add(testCase(xml, source, inherited));
                }
            }
            into.addAll(found);
        } finally {
            xml.close();
        }
    }

    /** Reads a {@code <testcase>} up to its end tag; the reader is on its start tag. */
    private static TestRecord testCase(XMLStreamReader xml, String source, String suiteFile)
            throws XMLStreamException {
        String name = attribute(xml, "name");
        String classname = attribute(xml, "classname");
        String file = attribute(xml, "file");
        double time = seconds(attribute(xml, "time"));
        String result = "success";
        StringBuilder message = new StringBuilder();
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                String outcome = depth == 2 ? outcome(xml.getLocalName()) : null;
                if (outcome != null) {
                    if (!"failure".equals(result) && !"error".equals(result)) {
                        result = outcome; // a failure or error wins over a skip
                    }
                    String text = attribute(xml, "message");
                    String body = xml.getElementText(); // consumes up to the end tag
                    depth--;
                    append(message, text);
                    if (body != null && !body.isBlank() && (text == null || !body.strip().equals(text.strip()))) {
                        append(message, body.strip());
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        return new TestRecord(name == null ? "" : name, classname == null ? "" : classname,
                file != null ? file : suiteFile, result, time, message.toString(), source);
    }

    private static String outcome(String element) {
        return switch (element) {
            case "failure" -> "failure";
            case "error" -> "error";
            case "skipped" -> "skipped";
            default -> null;
        };
    }

    private static void append(StringBuilder message, String text) {
        if (text == null || text.isBlank() || message.length() >= MESSAGE_CHARS) {
            return;
        }
        if (message.length() > 0) {
            message.append('\n');
        }
        message.append(text, 0, Math.min(text.length(), MESSAGE_CHARS - message.length()));
    }

    /**
     * A {@code time} attribute in seconds: missing or unreadable is 0; {@code 1,234.5} (a thousands separator) is
     * 1234.5, {@code 0,25} (a decimal comma, some locales' surefire) is 0.25.
     */
    static double seconds(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String text = value.strip();
        if (text.contains(".")) {
            text = text.replace(",", "");
        } else if (text.indexOf(',') == text.lastIndexOf(',')) {
            text = text.replace(',', '.');
        } else {
            text = text.replace(",", "");
        }
        try {
            double seconds = Double.parseDouble(text);
            return Double.isFinite(seconds) && seconds > 0 ? seconds : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String attribute(XMLStreamReader xml, String name) {
        return xml.getAttributeValue(null, name);
    }

    private static String describe(XMLStreamException e) {
        Location at = e.getLocation();
        String message = e.getMessage();
        // the JDK's message repeats the location as "ParseError at [row,col]:[r,c]\nMessage: ..."
        int cut = message == null ? -1 : message.indexOf("Message: ");
        String text = cut >= 0 ? message.substring(cut + "Message: ".length()) : message;
        return "not well-formed XML" + (at == null ? "" : " at line " + at.getLineNumber() + ", column "
                + at.getColumnNumber()) + ": " + text;
    }

    /** No DTD, no external entity, no external resource of any kind. */
    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    /** The file is XML, but not a test report. */
    static final class NotAReport extends Exception {
        private static final long serialVersionUID = 1L;

        NotAReport(String message) {
            super(message);
        }
    }

    /** More than {@link #MAX_RECORDS} records. */
    static final class TooMany extends Exception {
        private static final long serialVersionUID = 1L;
    }
}
