package dev.runway.pipeline.orbs;

import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The commands, jobs and executors visible from one place: the config's top level or the inside of an orb. A name
 * with a slash ({@code node/test}) is looked up in the orb imported under that alias here; an inline orb also sees
 * the definitions of the config around it.
 */
public final class Scope {
    /** The three kinds of named definitions. */
    public enum Kind {
        COMMAND("commands", "command"), JOB("jobs", "job"), EXECUTOR("executors", "executor");

        public final String key;
        public final String noun;

        Kind(String key, String noun) {
            this.key = key;
            this.noun = noun;
        }
    }

    private final String prefix;
    private final Scope enclosing;
    private final Map<Kind, Map<String, Definition>> definitions = new LinkedHashMap<>();
    private final Map<String, Scope> orbs = new LinkedHashMap<>();

    Scope(String prefix, Scope enclosing) {
        this.prefix = prefix;
        this.enclosing = enclosing;
        for (Kind kind : Kind.values()) {
            definitions.put(kind, new LinkedHashMap<>());
        }
    }

    /** An empty top-level scope: {@link Orbs#define} fills it. */
    public static Scope root() {
        return new Scope("", null);
    }

    void add(Kind kind, String name, Node.Mapping body) {
        definitions.get(kind).put(name, new Definition(prefix + name, body, this));
    }

    void addOrb(String alias, Scope orb) {
        orbs.put(alias, orb);
    }

    /** The definition {@code reference} names, or null. */
    public Definition find(Kind kind, String reference) {
        int slash = reference.indexOf('/');
        if (slash > 0) {
            Scope orb = orbs.get(reference.substring(0, slash));
            if (orb != null) {
                Definition found = orb.definitions.get(kind).get(reference.substring(slash + 1));
                if (found != null) {
                    return found;
                }
            }
            return enclosing == null ? null : enclosing.find(kind, reference);
        }
        Definition found = definitions.get(kind).get(reference);
        return found != null || enclosing == null ? found : enclosing.find(kind, reference);
    }

    /** Every name {@code kind} could be referenced by from here, for did-you-mean. */
    public Set<String> names(Kind kind) {
        Set<String> names = new TreeSet<>(definitions.get(kind).keySet());
        orbs.forEach((alias, orb) -> orb.definitions.get(kind).keySet().forEach(n -> names.add(alias + "/" + n)));
        if (enclosing != null) {
            names.addAll(enclosing.names(kind));
        }
        return names;
    }

    /** The definitions of {@code kind} written in this scope itself. */
    public Map<String, Definition> own(Kind kind) {
        return definitions.get(kind);
    }

    /** Reports a reference that names nothing, with the closest name. */
    public void unknown(Kind kind, String reference, Source at, Problems problems) {
        String message = "there is no " + kind.noun + " named '" + reference + "'" + Problems.hint(reference,
                names(kind));
        int slash = reference.indexOf('/');
        if (slash > 0 && !orbs.containsKey(reference.substring(0, slash))
                && (enclosing == null || !enclosing.orbs.containsKey(reference.substring(0, slash)))) {
            message += "; no orb is imported as '" + reference.substring(0, slash) + "' under orbs:";
        }
        problems.error(at, message);
    }
}
