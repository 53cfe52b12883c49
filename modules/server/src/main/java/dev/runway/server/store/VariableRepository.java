package dev.runway.server.store;

import java.util.List;
import java.util.Optional;

/** Contexts and their variables, and project variables: what becomes a workflow job's secrets. */
public interface VariableRepository {
    /** Creates a context; {@link StoreRefusal} when the name is taken. */
    Context createContext(String name, long now);

    List<Context> contexts();

    /** By id or by name. */
    Optional<Context> context(String idOrName);

    /** Deletes a context with its variables. */
    boolean deleteContext(String id);

    /** Sets (creates or replaces) a context variable; answers it as stored. */
    Variable setContextVariable(String contextId, String name, String value, long now);

    boolean deleteContextVariable(String contextId, String name);

    List<Variable> contextVariables(String contextId);

    /** Sets (creates or replaces) a project variable; answers it as stored. */
    Variable setProjectVariable(String projectId, String name, String value, long now);

    boolean deleteProjectVariable(String projectId, String name);

    List<Variable> projectVariables(String projectId);
}
