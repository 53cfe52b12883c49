package dev.runway.server.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the server runs pipelines. {@code dockerClasses}: a docker executor's image to the resource class
 * ({@code namespace/name}) whose machine runners run its jobs without the image; the key {@code default} serves
 * every image not named. {@code orbDirectories}: server-wide orb sources. {@code tick}: how often the scheduler looks
 * at active workflows when nothing wakes it sooner.
 */
public record PipelineSettings(Map<String, String> dockerClasses, List<Path> orbDirectories,
        java.time.Duration tick) {
    public static final String DEFAULT_IMAGE = "default";

    public PipelineSettings {
        dockerClasses = Map.copyOf(dockerClasses);
        orbDirectories = List.copyOf(orbDirectories);
    }

    public static PipelineSettings defaults() {
        return new PipelineSettings(Map.of(), List.of(), java.time.Duration.ofMillis(200));
    }

    public PipelineSettings withDockerClasses(Map<String, String> classes) {
        return new PipelineSettings(classes, orbDirectories, tick);
    }

    public PipelineSettings withOrbDirectories(List<Path> directories) {
        return new PipelineSettings(dockerClasses, directories, tick);
    }
}
