package dev.runway.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.runway.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/** One request as the routes see it: path parameters, query, headers, a size-limited body. */
final class Exchange {
    /** An oversized body up to this size is read and dropped before the 413 answer; a larger one is cut off. */
    private static final long DISCARD_LIMIT = 64L * 1024 * 1024;
    private final Request request;
    private final Map<String, String> pathParameters;
    private final byte[] body;
    private Fields query;

    /** The token of a signed-in dashboard session, for the routes a browser reaches by a link (else null). */
    private final String browserToken;

    Exchange(Request request, Map<String, String> pathParameters, byte[] body) {
        this(request, pathParameters, body, null);
    }

    Exchange(Request request, Map<String, String> pathParameters, byte[] body, String browserToken) {
        this.request = request;
        this.pathParameters = pathParameters;
        this.body = body;
        this.browserToken = browserToken;
    }

    /** See {@link #browserToken}. */
    String browserToken() {
        return browserToken;
    }

    String method() {
        return request.getMethod();
    }

    String path(String name) {
        return pathParameters.get(name);
    }

    /** A path parameter that must be a non-negative integer (a step index). */
    int intPath(String name) {
        String value = path(name);
        try {
            int number = Integer.parseInt(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.notFound(name + " \"" + value + "\" is not a step index");
    }

    String query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        Fields.Field field = query.get(name);
        return field == null ? null : field.getValue();
    }

    /** Every value of a repeated query parameter, in order; empty when it is absent. */
    java.util.List<String> queryAll(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        Fields.Field field = query.get(name);
        return field == null ? java.util.List.of() : field.getValues();
    }

    /** The scheme, host and port this request was addressed to ({@code http://host:port}). */
    String baseUri() {
        org.eclipse.jetty.http.HttpURI uri = request.getHttpURI();
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    long queryLong(String name, long fallback) {
        String value = query(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("query parameter " + name + ": \"" + value + "\" is not a whole number");
        }
    }

    /** The query string as sent (null without one). */
    String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** Whether the client closed its connection while this request was held (see {@link ClientPresence}). */
    boolean clientGone() {
        return ClientPresence.gone(request);
    }

    String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    /**
     * The body as a stream, for a streamed route ({@link Router#streamed}): read as it arrives, never held whole.
     * Reads block the route's pool thread.
     */
    java.io.InputStream bodyStream() {
        return Content.Source.asInputStream(request);
    }

    /** The body (read before the route runs), refused with 413 past {@code limit} bytes. */
    byte[] body(int limit) {
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        return body;
    }

    /**
     * Reads the whole body without blocking a thread (a blocked Jetty thread could be the one that would deliver
     * the bytes); refused with 413 past {@code limit} bytes.
     */
    static CompletableFuture<byte[]> readBody(Request request, int limit) {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > limit) {
            CompletableFuture<byte[]> refused = new CompletableFuture<>();
            if (declared > DISCARD_LIMIT) {
                refused.completeExceptionally(tooLarge(limit));
                return refused;
            }
            // read and drop the body first, so the client (still sending) gets to read the 413 answer
            Content.Source.consumeAll(request, org.eclipse.jetty.util.Callback.from(
                    () -> refused.completeExceptionally(tooLarge(limit)),
                    failure -> refused.completeExceptionally(tooLarge(limit))));
            return refused;
        }
        return new IncrementalRead(request, limit, declared).start();
    }

    /**
     * Reads a body chunk by chunk into a buffer that grows with what arrived (never sized by the declared length, which
     * costs a client nothing to claim), refused with 413 past the limit and 400 when it differs from its
     * Content-Length.
     */
    private static final class IncrementalRead implements Runnable {
        private static final int FIRST_BUFFER = 16 * 1024;
        private final Content.Source source;
        private final int limit;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private byte[] bytes = new byte[0];
        private int filled;

        IncrementalRead(Content.Source source, int limit, long declared) {
            this.source = source;
            this.limit = limit;
            this.declared = declared;
        }

        CompletableFuture<byte[]> start() {
            run();
            return result;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = source.read();
                if (chunk == null) {
                    source.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    result.completeExceptionally(ApiError.badRequest("cannot read the request body: "
                            + chunk.getFailure().getMessage()));
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int size = buffer.remaining();
                boolean last = chunk.isLast();
                if (size > limit - filled || declared >= 0 && filled + size > declared) {
                    chunk.release();
                    boolean tooLong = size > limit - filled;
                    source.fail(new IllegalStateException("body too long"));
                    result.completeExceptionally(tooLong ? tooLarge(limit) : ApiError.badRequest("the request body "
                            + "is longer than its Content-Length (" + declared + " bytes)"));
                    return;
                }
                if (filled + size > bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, Math.min(limit, Math.max(filled + size,
                            Math.max(FIRST_BUFFER, bytes.length * 2))));
                }
                buffer.get(bytes, filled, size);
                filled += size;
                chunk.release();
                if (last) {
                    if (declared >= 0 && filled != declared) {
                        result.completeExceptionally(ApiError.badRequest("the request body ended after " + filled
                                + " of its " + declared + " bytes"));
                    } else {
                        result.complete(filled == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, filled));
                    }
                    return;
                }
            }
        }
    }

    private static ApiError tooLarge(int limit) {
        return new ApiError(413, "the request body is larger than " + limit + " bytes");
    }

    /** The JSON body as {@code type}; malformed JSON and unknown fields answer 400 naming the field. */
    <T> T json(Class<T> type, int limit) {
        byte[] body = body(limit);
        if (body.length == 0) {
            throw ApiError.badRequest("a JSON body is required");
        }
        try {
            return Json.read(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiError.badRequest("unknown field \"" + fieldPath(e) + "\"");
        } catch (JsonMappingException e) {
            String field = fieldPath(e);
            if (e.getOriginalMessage().startsWith("Cannot map `null` into type")) {
                throw ApiError.badRequest(field + ": is required");
            }
            throw ApiError.badRequest((field.isEmpty() ? "" : field + ": ") + "expected "
                    + expectedShape(e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null));
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw ApiError.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    /** What a client should have sent, in JSON's words: never a Java type name. */
    private static String expectedShape(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != void.class)) {
            return "a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(constant -> "\"" + ((Enum<?>) constant).name() + "\"").collect(Collectors.joining(", "));
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return "a JSON value";
        }
        return "an object";
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
