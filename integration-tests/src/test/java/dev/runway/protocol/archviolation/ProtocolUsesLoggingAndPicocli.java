package dev.runway.protocol.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class ProtocolUsesLoggingAndPicocli {
    private org.slf4j.Logger logger;
    private picocli.CommandLine commandLine;
}
