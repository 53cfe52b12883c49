package dev.runway.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Method + path template ({@code /api/v3/jobs/{id}}) to a route; 404 for unknown paths, 405 for known ones. */
final class Router {
    /** A route that answers now. */
    @FunctionalInterface
    interface Sync {
        Reply handle(Exchange exchange);
    }

    /** A route that answers later (long-polls). */
    @FunctionalInterface
    interface Async {
        CompletableFuture<Reply> handle(Exchange exchange);
    }

    /**
     * A route whose body and answer are streams (git's smart HTTP): {@code open} authenticates before any byte of the
     * body is read (an {@link ApiError} is the answer) and answers the blocking work that then reads and writes.
     */
    @FunctionalInterface
    interface Streamed {
        Runnable open(Exchange exchange, org.eclipse.jetty.server.Request request,
                org.eclipse.jetty.server.Response response, org.eclipse.jetty.util.Callback callback);
    }

    /** How a route's caller proves who it is. */
    enum Access {
        /** A token the server issued, checked before any byte of the body is read; the route checks its kind. */
        TOKEN,
        /** A token, and the call is under the per-token rate limit ({@link RateLimiter}). */
        LIMITED_TOKEN,
        /** No token: the route checks a signature of the body itself (webhooks), so the body is read first. */
        SIGNED_BODY,
        /** A credential the route checks itself, before it streams the body ({@link Streamed}). */
        OWN_CREDENTIAL,
        /** No token and no body: probes a kubelet or a load balancer calls ({@code /healthz}, {@code /readyz}). */
        OPEN,
        /** A token, and the route reads the body itself as a stream (blobs of any size). */
        STREAMED
    }

    private record Route(String method, String template, String[] segments, Async action, Access access,
            Streamed streamed) {
        Route(String method, String template, String[] segments, Async action, Access access) {
            this(method, template, segments, action, access, null);
        }
    }

    /**
     * A matched route: how to run it, with its path parameters, how its caller is authenticated, and its template
     * (the metrics' route label: a template, never a raw path with ids in it).
     */
    record Match(Async action, Map<String, String> parameters, Access access, String template, Streamed streamed) {}

    private final List<Route> routes = new ArrayList<>();

    Router sync(String method, String template, Sync action) {
        return async(method, template, exchange -> CompletableFuture.completedFuture(action.handle(exchange)));
    }

    Router async(String method, String template, Async action) {
        routes.add(new Route(method, template, template.substring(1).split("/"), action, Access.TOKEN));
        return this;
    }

    /** An expensive route that answers now, under the per-token rate limit ({@link RateLimiter}). */
    Router limited(String method, String template, Sync action) {
        routes.add(new Route(method, template, template.substring(1).split("/"),
                exchange -> CompletableFuture.completedFuture(action.handle(exchange)), Access.LIMITED_TOKEN));
        return this;
    }

    /**
     * A route without a token that authenticates its body's signature itself (a webhook): its body, bounded by the
     * server's limits, is read before the route can refuse it.
     */
    Router signed(String method, String template, Sync action) {
        routes.add(new Route(method, template, template.substring(1).split("/"),
                exchange -> CompletableFuture.completedFuture(action.handle(exchange)), Access.SIGNED_BODY));
        return this;
    }

    /** A streamed route ({@link Streamed}), which checks its own credential. */
    Router ownCredential(String method, String template, Streamed action) {
        routes.add(new Route(method, template, template.substring(1).split("/"), null, Access.OWN_CREDENTIAL,
                action));
        return this;
    }

    /** A route anyone may call, without a token; it reads no body and answers now. */
    Router open(String method, String template, Sync action) {
        routes.add(new Route(method, template, template.substring(1).split("/"),
                exchange -> CompletableFuture.completedFuture(action.handle(exchange)), Access.OPEN));
        return this;
    }

    /**
     * A route with a token whose body is not read ahead: the route streams it ({@link Exchange#bodyStream}) on a pool
     * thread, for bodies too big to hold (blob uploads).
     */
    Router streamed(String method, String template, Sync action) {
        routes.add(new Route(method, template, template.substring(1).split("/"),
                exchange -> CompletableFuture.completedFuture(action.handle(exchange)), Access.STREAMED));
        return this;
    }

    /** Every route as "METHOD /path/{param}", for the OpenAPI check. */
    List<String> describe() {
        List<String> result = new ArrayList<>();
        routes.forEach(route -> result.add(route.method() + " " + route.template()));
        return result;
    }

    Match match(String method, String path) {
        String[] segments = path.length() > 1 ? path.substring(1).split("/", -1) : new String[0];
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = parameters(route.segments(), segments);
            if (parameters != null) {
                if (route.method().equals(method)) {
                    return new Match(route.action(), parameters, route.access(), route.template(),
                            route.streamed());
                }
                allowed.add(route.method());
            }
        }
        if (!allowed.isEmpty()) {
            throw new ApiError(405, method + " is not allowed on " + path + " (allowed: " + String.join(", ", allowed)
                    + ")");
        }
        throw ApiError.notFound("no such path: " + path);
    }

    private static Map<String, String> parameters(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            if (template[i].startsWith("{")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                parameters.put(template[i].substring(1, template[i].length() - 1), path[i]);
            } else if (!template[i].equals(path[i])) {
                return null;
            }
        }
        return parameters;
    }
}
