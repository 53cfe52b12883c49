package dev.runway.server.store.jdbc;

import dev.runway.server.store.ResourceClass;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The resource class of each resource-class token hash seen, so that a claim does not read the database to learn
 * its class. Only known tokens are kept (an unknown hash is looked up every time). Read without a lock; changed only
 * under the store's lock, by the same transactions that read or delete tokens, so an entry never outlives a revoke:
 * {@link #forget} runs before the revoke's commit returns. A store shared by several server processes remembers
 * nothing: a revoke through another process would not reach this memory.
 */
final class TokenClasses {
    private final ConcurrentMap<String, ResourceClass> byHash = new ConcurrentHashMap<>();
    private final boolean remembering;

    TokenClasses(boolean remembering) {
        this.remembering = remembering;
    }

    /** The class of a token known to exist, or null when not known here (look it up). */
    ResourceClass get(String tokenHash) {
        return byHash.get(tokenHash);
    }

    void remember(String tokenHash, ResourceClass resourceClass) {
        if (!remembering) {
            return;
        }
        byHash.put(tokenHash, resourceClass);
    }

    /** Forgets every token of the class (one was deleted, or the class was). */
    void forget(String resourceClassId) {
        byHash.values().removeIf(rc -> rc.id().equals(resourceClassId));
    }
}
