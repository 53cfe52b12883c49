package dev.runway.cli.install;

/** A user account as the install needs it. */
public record Account(String name, int uid, int gid, String comment, String home) {}
