package dev.runway.client;

import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of clients of plain-HTTP servers: it refuses every TLS connection. java.net.http builds its TLS
 * context with the client, and the runtime's own one reads the trust store and lists every cipher suite, a third of
 * a task agent's start; this one loads nothing.
 */
final class TrustNothing extends SSLContextSpi {
    static final SSLContext CONTEXT = new SSLContext(new TrustNothing(), new NoProvider(), "TLS") {};

    private TrustNothing() {}

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("this client talks plain HTTP only; it makes no TLS connection");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        throw new KeyManagementException("this client talks plain HTTP only; it makes no TLS connection");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw refused();
    }

    /** The provider a context must name; it provides nothing. */
    private static final class NoProvider extends Provider {
        private NoProvider() {
            super("runway-plain-http", "1", "TLS refused: plain-HTTP client");
        }
    }
}
