package dev.runway.server.store.jdbc;

import dev.runway.server.store.ResourceClass;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The resource class of each resource-class token hash seen, so that a claim does not read the database to learn
 * its class. Only known tokens are kept (an unknown hash is looked up every time). Read without a lock; changed only
 * under the store's lock, by the same transactions that read or delete tokens, so an entry never outlives a revoke:
 * {@link #forget} runs before the revoke's commit returns. A store shared by several server processes remembers
 * nothing for that (a revoke through another process would not reach this memory); it remembers tokens for claims
 * alone, for {@link #CLAIMER_MILLIS}, because a claim's transaction checks its token again.
 */
final class TokenClasses {
    /** How long a shared store's claim route trusts a token it verified (a revoke elsewhere shows within this). */
    static final long CLAIMER_MILLIS = 2_000;
    private final ConcurrentMap<String, ResourceClass> byHash = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Verified> claimers = new ConcurrentHashMap<>();
    private final boolean remembering;

    private record Verified(ResourceClass resourceClass, long at) {}

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

    /** The class of a token verified for a claim less than {@link #CLAIMER_MILLIS} ago, else null. */
    ResourceClass recentClaimer(String tokenHash, long now) {
        ResourceClass known = byHash.get(tokenHash);
        if (known != null) {
            return known;
        }
        Verified verified = claimers.get(tokenHash);
        return verified != null && now - verified.at() < CLAIMER_MILLIS && now >= verified.at()
                ? verified.resourceClass() : null;
    }

    void rememberClaimer(String tokenHash, ResourceClass resourceClass, long now) {
        if (!remembering) {
            claimers.put(tokenHash, new Verified(resourceClass, now));
        }
    }

    /** Forgets every token of the class (one was deleted, or the class was). */
    void forget(String resourceClassId) {
        byHash.values().removeIf(rc -> rc.id().equals(resourceClassId));
        claimers.values().removeIf(verified -> verified.resourceClass().id().equals(resourceClassId));
    }
}
