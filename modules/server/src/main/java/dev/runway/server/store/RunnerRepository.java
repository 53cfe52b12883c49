package dev.runway.server.store;

import java.util.List;

/** The runner inventory: who called, from where, and when a runner last took a task. */
public interface RunnerRepository {
    /** Records a runner's visit to the inventory. */
    void touch(String resourceClassId, RunnerVisit runner, long now);

    /** The runners of the classes, class by class, by name. */
    List<Runner> list(List<String> resourceClassIds);
}
