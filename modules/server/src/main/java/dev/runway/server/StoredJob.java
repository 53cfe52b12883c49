package dev.runway.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The part of a parsed job kept as JSON in the store: what the task agent gets. The secrets are sealed
 * ({@code sealedSecrets}, see {@link SecretsKeys}); {@code secrets} in plain text is only ever read, from jobs stored
 * before secrets were sealed, and the server seals those on start.
 */
record StoredJob(List<StepSpec> steps, Map<String, String> environment, Map<String, String> secrets,
        String sealedSecrets, Checkout checkout) {

    /** A job to store, its secrets sealed with the current key. */
    static StoredJob sealed(List<StepSpec> steps, Map<String, String> environment, Map<String, String> secrets,
            Checkout checkout, SecretsKeys keys) {
        return new StoredJob(steps, environment, null, keys.seal(Json.writeString(secrets)), checkout);
    }

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

    /** The secrets in plain text (opened with {@code keys}). */
    Map<String, String> openSecrets(SecretsKeys keys) {
        if (sealedSecrets == null) {
            return secrets == null ? Map.of() : secrets;
        }
        try {
            return Json.mapper().readValue(keys.open(sealedSecrets), new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("the job's sealed secrets are unreadable", e);
        }
    }

    /** This job with its secrets sealed with the current key (from plain text, or from a previous key). */
    StoredJob sealedAgain(SecretsKeys keys) {
        return sealed(steps, environment, openSecrets(keys), checkout, keys);
    }
}
