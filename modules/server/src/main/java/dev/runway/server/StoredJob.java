package dev.runway.server;

import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The part of a parsed job kept as JSON in the store: what the task agent gets. Secrets stay server-side. */
record StoredJob(List<StepSpec> steps, Map<String, String> environment, Map<String, String> secrets,
        Checkout checkout) {

    String toJson() {
        return Json.writeString(this);
    }

    static StoredJob fromJson(String json) {
        try {
            return Json.read(json.getBytes(StandardCharsets.UTF_8), StoredJob.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored job is unreadable", e);
        }
    }
}
