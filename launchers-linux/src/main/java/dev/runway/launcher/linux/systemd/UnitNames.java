package dev.runway.launcher.linux.systemd;

import java.util.Optional;
import java.util.regex.Pattern;

/** Maps launch ids to unit names ({@code runway-task-<id>.service}) and unit names to D-Bus object paths. */
final class UnitNames {
    static final String PREFIX = "runway-task-";
    static final String SUFFIX = ".service";
    static final String PATTERN = PREFIX + "*" + SUFFIX;
    private static final Pattern LAUNCH_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
    private static final String UNIT_PATH = "/org/freedesktop/systemd1/unit/";

    private UnitNames() {}

    static String unitName(String launchId) {
        if (!LAUNCH_ID.matcher(launchId).matches()) {
            throw new IllegalArgumentException("launch id '" + launchId
                    + "' cannot name a systemd unit: use 1 to 200 of A-Z a-z 0-9 _ . : -");
        }
        return PREFIX + launchId + SUFFIX;
    }

    static Optional<String> launchId(String unitName) {
        if (unitName.startsWith(PREFIX) && unitName.endsWith(SUFFIX)
                && unitName.length() > PREFIX.length() + SUFFIX.length()) {
            return Optional.of(unitName.substring(PREFIX.length(), unitName.length() - SUFFIX.length()));
        }
        return Optional.empty();
    }

    /** systemd's object path for a unit: every byte but [A-Za-z0-9] becomes _xx (sd_bus_path_encode). */
    static String objectPath(String unitName) {
        StringBuilder path = new StringBuilder(UNIT_PATH);
        for (byte b : unitName.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                path.append(c);
            } else {
                path.append('_').append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
        }
        return path.toString();
    }
}
