package dev.runway.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Chooses the launcher named by {@code runner.launcher}: "auto" takes the available provider with the highest
 * priority, a name takes that provider or fails with the reason it cannot work here.
 */
public final class Launchers {
    public static final String AUTO = "auto";
    /** The portable provider ({@code process}), which {@link #AUTO} takes only when no other is available. */
    public static final String PORTABLE = "process";

    /** A provider and whether it can work on this machine, for {@code --list-launchers} and logs. */
    public record ProviderStatus(String id, int priority, Availability availability) {}

    private final List<LauncherProvider> providers;

    public Launchers(List<LauncherProvider> providers) {
        this.providers = providers.stream().sorted(Comparator.comparingInt(LauncherProvider::priority).reversed()
                .thenComparing(LauncherProvider::id)).collect(Collectors.toUnmodifiableList());
    }

    /** The providers found with {@link ServiceLoader} (module path or META-INF/services). */
    public static Launchers installed() {
        List<LauncherProvider> found = new ArrayList<>();
        ServiceLoader.load(LauncherProvider.class).forEach(found::add);
        return new Launchers(found);
    }

    /** Every provider, highest priority first, with its probe result. */
    public List<ProviderStatus> list() {
        return providers.stream().map(p -> new ProviderStatus(p.id(), p.priority(), p.probe()))
                .collect(Collectors.toList());
    }

    /** The provider {@code id} ("auto" or a name) selects; fails with the reason when it cannot be used. */
    public LauncherProvider provider(String id) throws LaunchException {
        if (id == null || id.isBlank() || id.equals(AUTO)) {
            // The portable provider is the last resort whatever the priorities say: it cannot contain a job that
            // scrubs its environment (ProcessLauncher.ESCAPE_WARNING), every other one can.
            LauncherProvider portable = null;
            for (LauncherProvider provider : providers) {
                if (provider.id().equals(PORTABLE)) {
                    portable = provider;
                } else if (provider.probe().isAvailable()) {
                    return provider;
                }
            }
            if (portable != null && portable.probe().isAvailable()) {
                return portable;
            }
            throw new LaunchException("runner.launcher auto: no launcher is available here: " + describe());
        }
        for (LauncherProvider provider : providers) {
            if (provider.id().equals(id)) {
                Availability availability = provider.probe();
                if (!availability.isAvailable()) {
                    throw new LaunchException("runner.launcher '" + id + "' is not available here: "
                            + availability.reason());
                }
                return provider;
            }
        }
        throw new LaunchException("runner.launcher '" + id + "' is not a known launcher; choose auto or one of: "
                + providers.stream().map(LauncherProvider::id).collect(Collectors.joining(", ")));
    }

    /** Selects the provider and creates its launcher. */
    public Launcher select(String id, LauncherSettings settings) throws LaunchException {
        return provider(id).create(settings);
    }

    private String describe() {
        return list().stream().map(s -> s.id() + " (" + s.availability().reason() + ")")
                .collect(Collectors.joining(", "));
    }
}
