package dev.runway.server.store;

import java.util.List;
import java.util.Optional;

/** Namespaces, their resource classes, the resource-class tokens and the scoped API tokens. */
public interface ManagementRepository {
    /** Refused ({@link StoreRefusal.Reason#CONFLICT}) when the name or the organization already has one. */
    Namespace createNamespace(String name, String orgId, String organizationId, long now);

    Optional<Namespace> namespace(String name);

    Optional<Namespace> namespaceById(String id);

    Optional<Namespace> namespaceByOrganization(String organizationId);

    /** Every namespace, by name. */
    List<Namespace> namespaces();

    /**
     * Renames a namespace and its resource classes with it (their tokens and runners stay). Refused: {@code
     * NOT_FOUND} without such a namespace, {@code CONFLICT} when the new name is taken.
     */
    Namespace renameNamespace(String id, String newName);

    /** Refused: {@code NOT_FOUND} without such a namespace, {@code CONFLICT} while it has resource classes. */
    void deleteNamespace(String id);

    ResourceClass createResourceClass(String namespace, String name, String description, long now);

    Optional<ResourceClass> resourceClass(String id);

    Optional<ResourceClass> resourceClassByName(String namespace, String name);

    List<ResourceClass> resourceClasses(String namespace);

    /** Deletes the class (its tokens too when {@code force}), its runners; ends its open jobs. */
    void deleteResourceClass(String id, boolean force, long now);

    long tokenCount(String resourceClassId);

    /** The ids of the resource classes whose dispatch is paused (their claims get no task). */
    java.util.Set<String> pausedClasses();

    /** Pauses or resumes the dispatch of a class's tasks; pausing a paused class changes nothing. */
    void setDispatchPaused(String resourceClassId, boolean paused, long now);

    Token createToken(String resourceClassId, String nickname, String hash, long now);

    List<Token> tokens(String resourceClassId);

    /** Deletes a token; answers its resource class's id, empty when there was no such token. */
    Optional<String> deleteToken(String id);

    Optional<ResourceClass> resourceClassByTokenHash(String hash);

    /**
     * {@link #resourceClassByTokenHash} for a claim, which {@link TaskRepository#claimNext} refuses in its own
     * transaction when the token is gone: it may answer from a short memory a token that another replica revoked a
     * moment ago.
     */
    default Optional<ResourceClass> resourceClassOfClaimer(String hash) {
        return resourceClassByTokenHash(hash);
    }

    ApiToken createApiToken(String nickname, String scope, String namespace, String hash, long now);

    List<ApiToken> apiTokens();

    /** Deletes an API token; answers whether there was one. */
    boolean deleteApiToken(String id);

    Optional<ApiToken> apiTokenByHash(String hash);
}
