package dev.runway.protocol;

/**
 * CircleCI API v2's contexts ({@code /api/v2/context}) and project variables ({@code /api/v2/project/{slug}/envvar}),
 * in its shapes. Values are write-only: a context variable is listed by name, a project variable with its value
 * masked ({@code xxxx} and its last 4 characters).
 */
public final class ContextsApi {
    /** {@code POST} creates ({@link ContextCreate}), {@code GET} lists. */
    public static final String CONTEXTS = PipelinesApi.V2 + "/context";

    private ContextsApi() {}

    /** A context by id: {@code GET}, {@code DELETE}. */
    public static String context(String id) {
        return CONTEXTS + "/" + id;
    }

    /** {@code GET} lists a context's variables; + {@code /NAME}: {@code PUT} ({@link VariableValue}), {@code DELETE}. */
    public static String contextVariables(String id) {
        return context(id) + "/environment-variable";
    }

    /** {@code GET} lists, {@code POST} ({@link ProjectVariableCreate}) sets; + {@code /NAME}: {@code GET}, {@code DELETE}. */
    public static String projectVariables(String escapedSlug) {
        return PipelinesApi.V2 + "/project/" + escapedSlug + "/envvar";
    }

    /** CircleCI's owner of a context (an organization); Runway's contexts are the server's, whatever the owner. */
    public record Owner(String id, String slug, String type) {}

    public record ContextCreate(String name, Owner owner) {}

    public record Context(String id, String name, String createdAt) {}

    public record ContextVariable(String variable, String createdAt, String updatedAt, String contextId) {}

    public record VariableValue(String value) {}

    public record ProjectVariableCreate(String name, String value) {}

    public record ProjectVariable(String name, String value, String createdAt) {}
}
