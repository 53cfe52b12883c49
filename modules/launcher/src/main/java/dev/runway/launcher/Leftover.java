package dev.runway.launcher;

/** Something an earlier run left behind: the launch id it was started with and what it is (for the log). */
public record Leftover(String launchId, String description) {}
