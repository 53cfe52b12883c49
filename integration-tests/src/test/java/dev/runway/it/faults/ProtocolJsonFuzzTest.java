package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.Json;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.RunnerApi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: every wire record of the protocol (RunnerApi, JobsApi, ManagementApi) read through {@link Json#read}
 * from mutated bodies, byte-level and tree-level. The documented failure is an {@link IOException} (naming the field
 * at fault); nothing else may escape, since the server and both agents read outside input this way.
 */
class ProtocolJsonFuzzTest {

    @Test
    void onlyIoExceptionsEscape() throws Exception {
        long seed = FaultSeeds.seed("protocol JSON fuzz", 202L);
        Random random = new Random(seed);
        FuzzInputs inputs = new FuzzInputs(random);
        List<Class<?>> records = Stream.of(RunnerApi.class, JobsApi.class, ManagementApi.class)
                .flatMap(holder -> Arrays.stream(holder.getDeclaredClasses())).filter(Class::isRecord)
                .<Class<?>>map(type -> type).toList();
        assertThat(records).hasSizeGreaterThan(20);
        int count = FaultSeeds.longProfile() ? 200_000 : 20_000;
        List<String> crashes = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            Class<?> type = records.get(random.nextInt(records.size()));
            byte[] valid = Json.write(inputs.instance(type, 0));
            byte[] body;
            JsonNode tree = random.nextBoolean() ? null : treeOf(valid);
            if (tree == null) {
                body = inputs.mutateBytes(valid);
            } else {
                inputs.mutate(tree, List.of(type.getRecordComponents()[0].getName(), "task_id", "items", "steps"));
                body = Json.write(tree);
            }
            try {
                if (Json.read(body, type) == null) {
                    crashes.add(type.getSimpleName() + ": read as null (callers then fail on it)\n    input: "
                            + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                accepted++;
            } catch (IOException documented) {
                // a malformed body: the server answers 400 with this message
            } catch (RuntimeException | Error e) {
                crashes.add(type.getSimpleName() + ": " + e + "\n    input: "
                        + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        System.out.println("[faults] protocol JSON fuzz: " + count + " bodies over " + records.size()
                + " records, " + accepted + " accepted, " + crashes.size() + " crashes");
        assertThat(crashes).as("bodies that made Json.read fail otherwise than with IOException").isEmpty();
        assertThat(accepted).isPositive();
    }

    /**
     * The tree of a generated body, or null when the generator's own value does not read back (a map key with a lone
     * surrogate is written, but not read, by Jackson): such a body is mutated as bytes instead.
     */
    private static JsonNode treeOf(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
