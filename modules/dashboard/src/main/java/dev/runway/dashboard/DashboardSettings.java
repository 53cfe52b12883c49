package dev.runway.dashboard;

import java.net.URI;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the dashboard needs of its server: where the server's own API answers (loopback), and how long after its last
 * claim a runner still counts as online (a held claim refreshes "last connected" only when the next one arrives), and,
 * over TLS, the certificate the server serves now ({@code serverCertificate}, null for plain HTTP): the dashboard
 * trusts exactly it, since a certificate names the server's public host, not the loopback address it is called at.
 */
public record DashboardSettings(URI api, Duration onlineWindow, Supplier<? extends Certificate> serverCertificate) {
    public DashboardSettings {
        if (api == null) {
            throw new IllegalArgumentException("api: the server's own address is required");
        }
        if (onlineWindow == null || onlineWindow.isNegative() || onlineWindow.isZero()) {
            throw new IllegalArgumentException("onlineWindow: must be positive");
        }
    }
}
