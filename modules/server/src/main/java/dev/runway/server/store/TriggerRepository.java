package dev.runway.server.store;

import java.util.Optional;

/**
 * What webhooks need kept: each project's webhook secret (recoverable, since an HMAC is checked with the secret
 * itself; encrypted at rest by the implementation) and the deliveries received, so that a redelivered webhook
 * creates nothing new.
 */
public interface TriggerRepository {
    /** Sets (or replaces) the project's webhook secret. */
    void setWebhookSecret(String projectId, String secret, long now);

    /** The project's webhook secret in clear, or empty when none was set. */
    Optional<String> webhookSecret(String projectId);

    /**
     * Records a delivery before it is acted on; false (and nothing changed) when this provider's delivery id was
     * recorded already, which makes a redelivery a no-op even when two arrive at once.
     */
    boolean recordDelivery(String provider, String deliveryId, String projectId, long now);

    /** The pipeline a recorded delivery created. */
    void deliveryCreated(String provider, String deliveryId, String pipelineId);

    /** Forgets a delivery whose trigger failed, so that the provider's redelivery can try again. */
    void forgetDelivery(String provider, String deliveryId);

    /** The pipeline a delivery created, if it was recorded and created one. */
    Optional<String> deliveryPipeline(String provider, String deliveryId);
}
