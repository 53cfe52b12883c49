package dev.runway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.Json;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.TriggersApi;
import dev.runway.server.pipeline.GitRepositories;
import dev.runway.server.pipeline.PipelineTriggers;
import dev.runway.server.pipeline.WebhookEvents;
import dev.runway.server.pipeline.WebhookSignatures;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks of GitHub, GitLab and Gitea / Forgejo ({@code /api/v2/webhooks/{provider}/{project-slug}}), authenticated
 * by the project's webhook secret alone (no token), and the secret's management ({@code PUT
 * /api/v3/projects/{project}/webhook-secret}, admin token). A delivery is checked in this order: the project exists
 * (404), the signature matches (401, nothing recorded), the body is JSON (400); then its delivery id is recorded
 * before anything is triggered, so a redelivery answers 200 and creates nothing.
 */
final class WebhookRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    private static final int MAX_SECRET = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Store store;
    private final Auth auth;
    private final PipelineTriggers triggers;
    private final Clock clock;

    WebhookRoutes(Store store, Auth auth, PipelineTriggers triggers, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.triggers = triggers;
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("PUT", PipelinesApi.PROJECTS + "/{project}/webhook-secret", this::setSecret);
        for (String slug : PipelineRoutes.SLUG_SPELLINGS) {
            router.signed("POST", TriggersApi.WEBHOOKS + "/" + TriggersApi.GITHUB + "/" + slug, this::github)
                    .signed("POST", TriggersApi.WEBHOOKS + "/" + TriggersApi.GITLAB + "/" + slug, this::gitlab)
                    .signed("POST", TriggersApi.WEBHOOKS + "/" + TriggersApi.GITEA + "/" + slug, this::gitea);
        }
    }

    private Reply setSecret(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = store.pipelines().project(dev.runway.server.pipeline.ProjectSlugs.normalise(
                exchange.path("project"))).orElseThrow(() -> ApiError.notFound("Project not found"));
        byte[] raw = exchange.body(Limits.JSON_BODY);
        String secret = raw.length == 0 ? null
                : exchange.json(TriggersApi.WebhookSecretBody.class, Limits.JSON_BODY).secret();
        String generated = null;
        if (secret == null || secret.isEmpty()) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            secret = HexFormat.of().formatHex(bytes);
            generated = secret;
        } else if (secret.isBlank() || secret.length() > MAX_SECRET || secret.chars().anyMatch(c -> c < 0x20)) {
            throw ApiError.badRequest("secret: must be 1 to " + MAX_SECRET + " characters without control characters"
                    + " or surrounding-only blanks");
        }
        store.triggers().setWebhookSecret(project.id(), secret, clock.millis());
        LOG.info("webhook secret of {} {}", project.slug(), generated != null ? "generated" : "set");
        String escaped = URLEncoder.encode(project.slug(), StandardCharsets.UTF_8);
        Map<String, String> paths = new LinkedHashMap<>();
        for (String provider : new String[] {TriggersApi.GITHUB, TriggersApi.GITLAB, TriggersApi.GITEA}) {
            paths.put(provider, TriggersApi.webhook(provider, escaped));
        }
        return Reply.ok(new TriggersApi.WebhookSecretAnswer(generated, paths));
    }

    private Reply github(Exchange exchange) {
        Project project = PipelineRoutes.slugProject(store, exchange);
        byte[] body = verified(exchange, project, "X-Hub-Signature-256",
                (secret, bytes, header) -> WebhookSignatures.github(secret, bytes, header));
        return deliver(TriggersApi.GITHUB, exchange.header("X-GitHub-Delivery"), project, body,
                outcome(() -> WebhookEvents.github(exchange.header("X-GitHub-Event"), payload(exchange, body))));
    }

    private Reply gitlab(Exchange exchange) {
        Project project = PipelineRoutes.slugProject(store, exchange);
        byte[] body = verified(exchange, project, "X-Gitlab-Token",
                (secret, bytes, header) -> WebhookSignatures.gitlab(secret, header));
        // Idempotency-Key stays the same across GitLab's retries of one delivery; older versions send only the UUID
        String delivery = exchange.header("Idempotency-Key") != null ? exchange.header("Idempotency-Key")
                : exchange.header("X-Gitlab-Event-UUID");
        return deliver(TriggersApi.GITLAB, delivery, project, body,
                outcome(() -> WebhookEvents.gitlab(exchange.header("X-Gitlab-Event"), payload(exchange, body))));
    }

    private Reply gitea(Exchange exchange) {
        Project project = PipelineRoutes.slugProject(store, exchange);
        boolean forgejo = exchange.header("X-Forgejo-Signature") != null;
        String prefix = forgejo ? "X-Forgejo-" : "X-Gitea-";
        byte[] body = verified(exchange, project, prefix + "Signature",
                (secret, bytes, header) -> WebhookSignatures.gitea(secret, bytes, header));
        return deliver(TriggersApi.GITEA, exchange.header(prefix + "Delivery"), project, body,
                outcome(() -> WebhookEvents.gitea(exchange.header(prefix + "Event"), payload(exchange, body))));
    }

    @FunctionalInterface
    private interface Check {
        boolean matches(String secret, byte[] body, String header);
    }

    /** The body, once {@code header} proves the sender holds the project's secret; 401 otherwise. */
    private byte[] verified(Exchange exchange, Project project, String header, Check check) {
        byte[] body = exchange.body(Limits.LARGEST_BODY);
        String secret = store.triggers().webhookSecret(project.id()).orElseThrow(() -> new ApiError(401,
                "project " + project.slug() + " has no webhook secret (runway project webhook-secret)"));
        String presented = exchange.header(header);
        if (presented == null) {
            throw new ApiError(401, header + ": is missing");
        }
        if (!check.matches(secret, body, presented)) {
            LOG.warn("webhook for {} from {} refused: {} does not match", project.slug(), exchange.remoteAddress(),
                    header);
            throw new ApiError(401, header + ": does not match the project's webhook secret");
        }
        return body;
    }

    /** A payload's outcome; a malformed field (a ref git would refuse, a commit id that is not hex) is a 400. */
    private static WebhookEvents.Outcome outcome(java.util.function.Supplier<WebhookEvents.Outcome> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static JsonNode payload(Exchange exchange, byte[] body) {
        String type = exchange.header("Content-Type");
        if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
            throw ApiError.badRequest("Content-Type: set the webhook's content type to application/json");
        }
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiError.badRequest("body: expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiError.badRequest("body: not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw ApiError.badRequest("body: not JSON");
        }
    }

    private Reply deliver(String provider, String deliveryId, Project project, byte[] body,
            WebhookEvents.Outcome outcome) {
        if (outcome.request() == null) {
            return Reply.ok(new PipelinesApi.Message("Ignored: " + outcome.ignored() + "."));
        }
        // without a delivery id, the body's digest tells a redelivery (identical bytes) from a new push
        String id = deliveryId == null || deliveryId.isEmpty() ? "sha256:" + sha256(body) : deliveryId;
        if (!DELIVERY_ID.matcher(id).matches()) {
            throw ApiError.badRequest("delivery id: \"" + id.substring(0, Math.min(id.length(), 80))
                    + "\" must be 1 to 200 letters, digits, '.', '_', ':' or '-'");
        }
        if (!store.triggers().recordDelivery(provider, id, project.id(), clock.millis())) {
            String pipeline = store.triggers().deliveryPipeline(provider, id).orElse("none yet");
            return Reply.ok(new PipelinesApi.Message("Delivery " + id + " was received already (pipeline "
                    + pipeline + "); nothing new was created."));
        }
        Pipeline pipeline;
        try {
            pipeline = triggers.trigger(project, outcome.request());
        } catch (IllegalArgumentException e) {
            store.triggers().forgetDelivery(provider, id);
            throw ApiError.badRequest(e.getMessage());
        } catch (GitRepositories.GitException e) {
            store.triggers().forgetDelivery(provider, id);
            throw new ApiError(502, e.getMessage());
        } catch (RuntimeException e) {
            store.triggers().forgetDelivery(provider, id);
            throw e;
        }
        store.triggers().deliveryCreated(provider, id, pipeline.id());
        LOG.info("{} webhook delivery {} for {}: pipeline {} #{}", provider, id, project.slug(), pipeline.id(),
                pipeline.number());
        String state = pipeline.state().equals("created") ? "pending" : pipeline.state();
        return Reply.json(201, new PipelinesApi.PipelineCreated(pipeline.id(), state, pipeline.number(),
                Times.iso(pipeline.createdAt())));
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this runtime", e);
        }
    }
}
