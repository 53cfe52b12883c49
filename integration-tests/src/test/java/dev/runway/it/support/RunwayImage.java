package dev.runway.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** The built jlink image ({@code runway.image}, set by the build): its {@code bin/runway} is what tests run. */
public final class RunwayImage {
    private RunwayImage() {}

    /** {@code bin/runway}, checked to be there (package modules/distribution first). */
    public static Path runway() {
        Path runway = Path.of(System.getProperty("runway.image", "../modules/distribution/target/image"))
                .toAbsolutePath().normalize().resolve("bin/runway");
        assertThat(runway).as("the built image (package modules/distribution first)").isExecutable();
        return runway;
    }
}
