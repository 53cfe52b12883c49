package dev.runway.server;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.RunnerApi.ErrorBody;
import dev.runway.server.metrics.ServerMetrics;
import dev.runway.server.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a kubelet, a load balancer or Prometheus asks: {@code /healthz} (the process serves: no token, touches
 * nothing), {@code /readyz} (the store answers and its schema is current: no token; 503 with the reason otherwise)
 * and {@code /metrics} (Prometheus text, for the admin token or an API token of all namespaces, read scope enough).
 */
final class ProbeRoutes {
    private final Store store;
    private final Auth auth;
    private final ServerMetrics metrics;

    ProbeRoutes(Store store, Auth auth, ServerMetrics metrics) {
        this.store = store;
        this.auth = auth;
        this.metrics = metrics;
    }

    void register(Router router) {
        router.open("GET", ApiPaths.HEALTHZ, exchange -> text(200, "ok\n"))
                .open("GET", ApiPaths.READYZ, this::ready)
                .sync("GET", ApiPaths.METRICS, this::metrics);
    }

    private Reply ready(Exchange exchange) {
        Optional<String> problem = store.notReady();
        if (problem.isPresent()) {
            return Reply.json(503, new ErrorBody("not ready: " + problem.get()));
        }
        return text(200, "ready\n");
    }

    private Reply metrics(Exchange exchange) {
        // what every namespace queues and runs: a token of all namespaces, read scope enough
        auth.management(exchange).everywhere();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("accept", "accept-encoding")) {
            String value = exchange.header(name);
            if (value != null) {
                headers.put(name, List.of(value));
            }
        }
        ServerMetrics.Scrape scrape = metrics.scrape(exchange.method(), ApiPaths.METRICS, exchange.rawQuery(),
                headers);
        Map<String, String> answerHeaders = new LinkedHashMap<>(scrape.headers());
        String contentType = answerHeaders.remove("Content-Type");
        return new Reply(scrape.status(), contentType, scrape.body(), answerHeaders, null);
    }

    private static Reply text(int status, String body) {
        return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }
}
