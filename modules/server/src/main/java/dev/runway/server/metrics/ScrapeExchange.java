package dev.runway.server.metrics;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scrape request as Prometheus' scrape handler reads it, answered into memory: the server's router writes the
 * answer itself (a metrics page is a few kilobytes).
 */
final class ScrapeExchange implements PrometheusHttpExchange {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final Map<String, String> answerHeaders = new LinkedHashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = 500;

    /** {@code headers}: by lower-case name. */
    ScrapeExchange(String method, String path, String query, Map<String, List<String>> headers) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
    }

    ServerMetrics.Scrape answer() {
        return new ServerMetrics.Scrape(status, Map.copyOf(answerHeaders), body.toByteArray());
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return new PrometheusHttpRequest() {
            @Override
            public String getQueryString() {
                return query;
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return Collections.enumeration(headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
            }

            @Override
            public String getMethod() {
                return method;
            }

            @Override
            public String getRequestPath() {
                return path;
            }
        };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return new PrometheusHttpResponse() {
            @Override
            public void setHeader(String name, String value) {
                answerHeaders.put(name, value);
            }

            @Override
            public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
                status = statusCode;
                return body;
            }
        };
    }

    @Override
    public void handleException(IOException e) throws IOException {
        throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
        throw e;
    }

    @Override
    public void close() {
        // the body is in memory: nothing to release
    }
}
