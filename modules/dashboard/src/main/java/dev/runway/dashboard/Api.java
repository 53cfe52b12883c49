package dev.runway.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import java.util.Optional;

/**
 * The server's HTTP API with one signed-in browser's token: the same routes, answers and checks the CLI gets. The
 * dashboard has no other way to the data.
 */
final class Api {
    final PipelinesClient pipelines;
    final ManagementClient management;

    Api(HttpTransport transport, String token) {
        this.pipelines = new PipelinesClient(transport, token);
        this.management = new ManagementClient(transport, token);
    }

    JsonNode get(String path) throws ApiException, InterruptedException {
        return pipelines.json("GET", path, null);
    }

    /** The answer, or empty when the route answers 404 (a route this server does not have, or no such thing). */
    Optional<JsonNode> getIfFound(String path) throws ApiException, InterruptedException {
        try {
            return Optional.ofNullable(get(path));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    JsonNode post(String path, Object body) throws ApiException, InterruptedException {
        return pipelines.json("POST", path, body);
    }

    JsonNode put(String path, Object body) throws ApiException, InterruptedException {
        return pipelines.json("PUT", path, body);
    }

    static String escape(String segment) {
        return PipelinesClient.escape(segment);
    }
}
