package dev.runway.launcher;

/** Result of {@link LauncherProvider#probe()}: available, or not with the reason. */
public record Availability(boolean isAvailable, String reason) {
    public static Availability available() {
        return new Availability(true, "available");
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
