package dev.runway.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** How this agent describes itself in a claim: name, host, version, OS and architecture (Go's names). */
record RunnerIdentity(String name, String hostname, String version, String os, String arch) {

    static RunnerIdentity of(String name, String version) {
        return new RunnerIdentity(name, localHostname(), version, os(System.getProperty("os.name")),
                arch(System.getProperty("os.arch")));
    }

    static String os(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "darwin";
        }
        return name.startsWith("linux") ? "linux" : name.replaceAll("[^a-z0-9]", "");
    }

    static String arch(String osArch) {
        switch (osArch) {
            case "amd64":
            case "x86_64":
                return "amd64";
            case "aarch64":
            case "arm64":
                return "arm64";
            default:
                return osArch;
        }
    }

    private static String localHostname() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
    }
}
