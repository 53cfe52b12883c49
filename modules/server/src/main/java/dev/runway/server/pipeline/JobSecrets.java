package dev.runway.server.pipeline;

import dev.runway.server.store.Context;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow job's secrets: the project's variables, then the variables of each context the job names (in its
 * order, a later one winning), as CircleCI layers them. They reach the task agent as secrets, so its output masks
 * their values.
 */
final class JobSecrets {
    private JobSecrets() {}

    /** The secrets of a job of {@code project} that names {@code contexts}; a context that does not exist throws. */
    static Map<String, String> of(Store store, Project project, List<String> contexts) {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Variable variable : store.variables().projectVariables(project.id())) {
            secrets.put(variable.name(), variable.value());
        }
        for (String name : contexts) {
            Context context = store.variables().context(name).orElseThrow(() -> new IllegalArgumentException(
                    "context \"" + name + "\" does not exist (runway context create " + name + ")"));
            for (Variable variable : store.variables().contextVariables(context.id())) {
                secrets.put(variable.name(), variable.value());
            }
        }
        return secrets;
    }

    /** The secrets the job's own environment does not set: the config's {@code environment} wins, as on CircleCI. */
    static Map<String, String> under(Map<String, String> secrets, Map<String, String> environment) {
        Map<String, String> kept = new LinkedHashMap<>(secrets);
        kept.keySet().removeAll(environment.keySet());
        return kept;
    }
}
