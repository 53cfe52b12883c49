package dev.runway.dashboard;

import java.net.URI;
import java.time.Duration;

/**
 * What the dashboard needs of its server: where the server's own API answers (loopback), and how long after its last
 * claim a runner still counts as online (a held claim refreshes "last connected" only when the next one arrives).
 */
public record DashboardSettings(URI api, Duration onlineWindow) {
    public DashboardSettings {
        if (api == null) {
            throw new IllegalArgumentException("api: the server's own address is required");
        }
        if (onlineWindow == null || onlineWindow.isNegative() || onlineWindow.isZero()) {
            throw new IllegalArgumentException("onlineWindow: must be positive");
        }
    }
}
