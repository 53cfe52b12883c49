package dev.runway.server;

import dev.runway.server.store.Namespace;
import dev.runway.server.store.Store;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Organisations as CircleCI's clients name them: by id, a UUID ({@code ?org-id=} on lists, {@code org_id} in
 * Terraform's create bodies). Each namespace belongs to one organisation; this maps one to the other.
 */
final class Organizations {
    private final Store store;

    Organizations(Store store) {
        this.store = store;
    }

    /** {@code value} as a canonical UUID, empty when it is not one. */
    static Optional<String> uuid(String value) {
        try {
            UUID parsed = UUID.fromString(value);
            // UUID.fromString accepts shortened groups ("1-2-3-4-5"): only the canonical spelling counts
            return parsed.toString().equals(value.toLowerCase(Locale.ROOT)) ? Optional.of(parsed.toString())
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The organisation id of a namespace being created for {@code orgId}: that UUID when it is one (CircleCI's CLI
     * sends the organisation's id), else a new one (a VCS slug such as {@code github/acme}).
     */
    static String organizationIdFor(String orgId) {
        return uuid(orgId).orElseGet(() -> UUID.randomUUID().toString());
    }

    /** The namespace of the organisation given in the query parameter {@code field}; 400 naming it for a non-UUID. */
    Optional<Namespace> find(String field, String value) {
        String id = uuid(value).orElseThrow(() -> ApiError.badRequest(field + ": \"" + value
                + "\" is not an organization id (a UUID; `runway namespace list` shows them)"));
        return store.management().namespaceByOrganization(id);
    }

    /** As {@link #find}, 404 when no namespace belongs to that organisation. */
    Namespace namespaceOf(String field, String value) {
        return find(field, value).orElseThrow(() -> ApiError.notFound("no namespace belongs to organization " + value
                + " (`runway namespace list` shows them)"));
    }

    /**
     * Checks an optional {@code org_id} of a create body against the namespace it creates in: empty or absent is
     * fine (Terraform sends "" when unset), otherwise it must be the namespace's organisation (its id, or the slug
     * it was created with).
     */
    static void requireOwner(String field, String orgId, Namespace namespace) {
        if (orgId == null || orgId.isEmpty()) {
            return;
        }
        boolean owner = uuid(orgId).map(namespace.organizationId()::equals).orElse(false)
                || orgId.equals(namespace.orgId());
        if (!owner) {
            throw ApiError.badRequest(field + ": \"" + orgId + "\" is not the organization of namespace \""
                    + namespace.name() + "\" (its org_id is " + namespace.organizationId() + ")");
        }
    }
}
