package dev.runway.launcher.tracking;

/** The signals the kill ladder sends. Numbers differ between Linux and macOS: each {@link Signaller} maps them. */
public enum Signal {
    TERM,
    KILL,
    STOP,
    CONT
}
