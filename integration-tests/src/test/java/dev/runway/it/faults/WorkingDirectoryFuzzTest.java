package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.agent.WorkingDirectories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: the {@code %s} value of {@code runner.working_directory}, which comes from the server's allocation.
 * Whatever the server sends, the task's directory is a new directory strictly under the template's parent, its
 * value one safe path component, and two different allocations never share a directory. The only documented error
 * is {@link IllegalStateException} from {@link WorkingDirectories#resolve} (never expected for a safe value).
 */
class WorkingDirectoryFuzzTest {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final List<String> TEMPLATES = List.of("/var/opt/runway/workdir/%s", "/w/%s/inner",
            "/w/task-%s", "/w/%s-%s", "relative/dir/%s", "/%s", "/w/./x/../%s");
    private static final List<String> HOSTILE = List.of("..", ".", "../../etc", "/etc/passwd", "a/../../b", "\u0000",
            "..\u0000", "%2e%2e", "....", "~root", "-rf", " ", "", "a".repeat(1000), "\u202e..", "./.", "x/",
            "\\..\\..", "..;", "con", "\n..");

    @Test
    void theTaskDirectoryNeverLeavesItsParent() {
        long seed = FaultSeeds.seed("working directory %s fuzz", 303L);
        Random random = new Random(seed);
        FuzzInputs inputs = new FuzzInputs(random);
        int count = FaultSeeds.longProfile() ? 200_000 : 20_000;
        Map<String, String> originalOf = new HashMap<>();
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String allocation = switch (random.nextInt(4)) {
                case 0 -> inputs.pick(HOSTILE);
                case 1 -> inputs.pick(HOSTILE) + inputs.string() + inputs.pick(HOSTILE);
                case 2 -> java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) random.nextInt()}).toString();
                default -> inputs.string();
            };
            String template = inputs.pick(TEMPLATES);
            try {
                String value = WorkingDirectories.safeValue(allocation);
                if (!SAFE.matcher(value).matches() || value.matches("\\.*")) {
                    violations.add("unsafe value " + value + " for " + printable(allocation));
                }
                String earlier = originalOf.putIfAbsent(value, allocation);
                if (earlier != null && !earlier.equals(allocation)) {
                    violations.add("two allocations share " + value + ": " + printable(earlier) + " and "
                            + printable(allocation));
                }
                Path resolved = new WorkingDirectories(template).resolve(allocation);
                Path parent = parentOf(template);
                if (!resolved.startsWith(parent) || resolved.equals(parent) || !resolved.isAbsolute()
                        || !resolved.equals(resolved.normalize())) {
                    violations.add(template + " with " + printable(allocation) + " resolved to " + resolved);
                }
            } catch (IllegalStateException refused) {
                violations.add("refused a value it had made safe itself: " + printable(allocation) + " ("
                        + refused.getMessage() + ")");
            } catch (RuntimeException | Error e) {
                violations.add(e + " for " + template + " with " + printable(allocation));
            }
        }
        System.out.println("[faults] working directory fuzz: " + count + " allocations, " + violations.size()
                + " violations");
        assertThat(violations).isEmpty();
    }

    private static Path parentOf(String template) {
        int slash = template.lastIndexOf('/', template.indexOf("%s"));
        return Path.of(slash <= 0 ? "/" : template.substring(0, slash)).toAbsolutePath().normalize();
    }

    private static String printable(String value) {
        StringBuilder text = new StringBuilder("\"");
        value.codePoints().limit(120).forEach(c -> text.append(c >= 32 && c < 127 ? Character.toString(c)
                : String.format("\\u%04x", c)));
        return text.append('"').toString();
    }
}
