package dev.runway.protocol;

import java.util.Map;

/** Webhook routes (one per provider, authenticated by the project's webhook secret) and the secret's management. */
public final class TriggersApi {
    /** {@code POST} here + {@code /{provider}/{project-slug}}: a provider's delivery. */
    public static final String WEBHOOKS = PipelinesApi.V2 + "/webhooks";
    /** The providers, as the webhook paths name them. */
    public static final String GITHUB = "github";
    public static final String GITLAB = "gitlab";
    public static final String GITEA = "gitea";

    private TriggersApi() {}

    /** {@code PUT} with {@link WebhookSecretBody}: sets the project's webhook secret; admin token. */
    public static String webhookSecret(String idOrEscapedSlug) {
        return PipelinesApi.project(idOrEscapedSlug) + "/webhook-secret";
    }

    /** The path a provider delivers to, for a URL-escaped slug. */
    public static String webhook(String provider, String escapedSlug) {
        return WEBHOOKS + "/" + provider + "/" + escapedSlug;
    }

    /** {@code secret} null or absent: the server generates one and answers it, once. */
    public record WebhookSecretBody(String secret) {}

    /** {@code secret} only when the server generated it; {@code webhookPaths} by provider. */
    public record WebhookSecretAnswer(String secret, Map<String, String> webhookPaths) {}
}
