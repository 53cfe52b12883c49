package dev.runway.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where this process's cgroup is in each mounted cgroup hierarchy (cgroup2, and each v1 hierarchy of a hybrid
 * host), from /proc/self/cgroup and /proc/self/mountinfo.
 */
final class CgroupHierarchies {
    private CgroupHierarchies() {}

    static List<Path> ofThisProcess() throws IOException {
        List<String[]> memberships = new ArrayList<>(); // {hierarchy id, controllers, path}
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            memberships.add(line.split(":", 3));
        }
        List<Path> dirs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            String[] fields = halves[0].split(" ");
            String[] tail = halves[1].split(" ");
            String fsType = tail[0];
            String root = fields[3];
            Path mountPoint = Path.of(fields[4]);
            for (String[] membership : memberships) {
                boolean matches = fsType.equals("cgroup2") ? membership[0].equals("0")
                        : fsType.equals("cgroup") && !membership[1].isEmpty()
                                && Set.of(tail[2].split(",")).containsAll(Arrays.asList(membership[1].split(",")));
                if (matches && seen.add(membership[0])) {
                    String path = membership[2];
                    String relative = !root.equals("/") && path.startsWith(root) ? path.substring(root.length()) : path;
                    dirs.add(mountPoint.resolve(relative.replaceFirst("^/+", "")));
                }
            }
        }
        return dirs;
    }
}
