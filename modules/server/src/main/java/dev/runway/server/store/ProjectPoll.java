package dev.runway.server.store;

import java.util.List;

/**
 * A project whose branches the server polls for new commits every {@code intervalSeconds}; {@code nextPollAt} is
 * when the next poll is due (and the value a replica claims it with), {@code lastError} why the last poll failed.
 */
public record ProjectPoll(String projectId, List<String> branches, long intervalSeconds, long nextPollAt,
        Long lastPolledAt, String lastError) {
    public ProjectPoll {
        branches = List.copyOf(branches);
    }
}
