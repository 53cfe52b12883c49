package dev.runway.server.store.jdbc;

import dev.runway.server.store.TriggerRepository;
import java.util.Optional;

/** The webhook_secrets and webhook_deliveries tables; secrets pass through {@link SecretValues}. */
final class JdbcTriggers implements TriggerRepository {
    private final Database db;
    private final SecretValues values;

    JdbcTriggers(Database db, SecretValues values) {
        this.db = db;
        this.values = values;
    }

    @Override
    public void setWebhookSecret(String projectId, String secret, long now) {
        db.tx(() -> {
            db.update("DELETE FROM webhook_secrets WHERE project_id = ?", projectId);
            return db.update("INSERT INTO webhook_secrets (project_id, value_enc, updated_at) VALUES (?, ?, ?)",
                    projectId, values.encrypt(secret), now);
        });
    }

    @Override
    public Optional<String> webhookSecret(String projectId) {
        return db.tx(() -> db.one(row -> values.decrypt(row.getString(1)),
                "SELECT value_enc FROM webhook_secrets WHERE project_id = ?", projectId));
    }

    @Override
    public boolean recordDelivery(String provider, String deliveryId, String projectId, long now) {
        return db.tx(() -> {
            if (db.one(row -> row.getString(1), "SELECT delivery_id FROM webhook_deliveries WHERE provider = ? AND"
                    + " delivery_id = ?", provider, deliveryId).isPresent()) {
                return false;
            }
            db.update("INSERT INTO webhook_deliveries (provider, delivery_id, project_id, received_at)"
                    + " VALUES (?, ?, ?, ?)", provider, deliveryId, projectId, now);
            return true;
        });
    }

    @Override
    public void deliveryCreated(String provider, String deliveryId, String pipelineId) {
        db.tx(() -> db.update("UPDATE webhook_deliveries SET pipeline_id = ? WHERE provider = ? AND delivery_id = ?",
                pipelineId, provider, deliveryId));
    }

    @Override
    public void forgetDelivery(String provider, String deliveryId) {
        db.tx(() -> db.update("DELETE FROM webhook_deliveries WHERE provider = ? AND delivery_id = ?", provider,
                deliveryId));
    }

    @Override
    public Optional<String> deliveryPipeline(String provider, String deliveryId) {
        return db.tx(() -> db.one(row -> row.getString(1), "SELECT pipeline_id FROM webhook_deliveries WHERE"
                + " provider = ? AND delivery_id = ? AND pipeline_id IS NOT NULL", provider, deliveryId));
    }
}
