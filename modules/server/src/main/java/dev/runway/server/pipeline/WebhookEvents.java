package dev.runway.server.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.GitRefs;
import java.util.Map;
import java.util.Set;

/**
 * What a provider's webhook delivery asks for: a pipeline on a branch or tag at a commit, or nothing (a ping, a
 * deleted branch, a closed pull request, an event Runway does not build). Branch and tag names and commit ids are
 * checked with {@link GitRefs} here, before anything uses them; a malformed one throws
 * {@link IllegalArgumentException} naming the payload field.
 */
public final class WebhookEvents {
    /** Pull and merge request actions that bring new commits to build. */
    private static final Set<String> GITHUB_PR_ACTIONS = Set.of("opened", "synchronize", "reopened");
    private static final Set<String> GITLAB_MR_ACTIONS = Set.of("open", "reopen", "update");
    private static final String HEADS = "refs/heads/";
    private static final String TAGS = "refs/tags/";

    private WebhookEvents() {}

    /** A delivery's outcome: {@code request} to trigger, or {@code ignored} saying why nothing runs. */
    public record Outcome(TriggerRequest request, String ignored) {
        static Outcome ignore(String why) {
            return new Outcome(null, why);
        }
    }

    /** A GitHub delivery: {@code X-GitHub-Event} {@code push} or {@code pull_request}. */
    public static Outcome github(String event, JsonNode payload) {
        return switch (event == null ? "" : event) {
            case "ping" -> Outcome.ignore("ping received");
            case "push" -> push(payload, payload.path("deleted").asBoolean(false),
                    text(payload, "sender", "login") != null ? text(payload, "sender", "login")
                            : text(payload, "pusher", "name"));
            case "pull_request" -> {
                String action = text(payload, "action");
                if (!GITHUB_PR_ACTIONS.contains(action)) {
                    yield Outcome.ignore("pull_request action \"" + action + "\" brings no new commit");
                }
                JsonNode head = payload.path("pull_request").path("head");
                yield request(branch("pull_request.head.ref", text(head, "ref")), null,
                        revision("pull_request.head.sha", text(head, "sha")), text(payload, "sender", "login"),
                        Map.of());
            }
            default -> Outcome.ignore("X-GitHub-Event \"" + event + "\" is not built (push, pull_request are)");
        };
    }

    /** A GitLab delivery: {@code X-Gitlab-Event} {@code Push Hook}, {@code Tag Push Hook}, {@code Merge Request Hook}. */
    public static Outcome gitlab(String event, JsonNode payload) {
        return switch (event == null ? "" : event) {
            case "Push Hook", "Tag Push Hook" -> {
                String sha = text(payload, "checkout_sha");
                yield push(payload, sha == null || zeros(text(payload, "after")), text(payload, "user_username"));
            }
            case "Merge Request Hook" -> {
                JsonNode attributes = payload.path("object_attributes");
                String action = text(attributes, "action");
                if (!GITLAB_MR_ACTIONS.contains(action)) {
                    yield Outcome.ignore("merge request action \"" + action + "\" brings no new commit");
                }
                if ("update".equals(action) && text(attributes, "oldrev") == null) {
                    yield Outcome.ignore("merge request update without new commits");
                }
                yield request(branch("object_attributes.source_branch", text(attributes, "source_branch")), null,
                        revision("object_attributes.last_commit.id", text(attributes, "last_commit", "id")),
                        text(payload, "user", "username"), Map.of());
            }
            default -> Outcome.ignore("X-Gitlab-Event \"" + event + "\" is not built (Push Hook, Tag Push Hook,"
                    + " Merge Request Hook are)");
        };
    }

    /** A Gitea or Forgejo delivery: {@code X-Gitea-Event} / {@code X-Forgejo-Event} {@code push}. */
    public static Outcome gitea(String event, JsonNode payload) {
        if (!"push".equals(event)) {
            return Outcome.ignore("event \"" + event + "\" is not built (push is)");
        }
        String actor = text(payload, "pusher", "login") != null ? text(payload, "pusher", "login")
                : text(payload, "sender", "login");
        return push(payload, zeros(text(payload, "after")), actor);
    }

    /** {@code ref} + {@code after}: GitHub's, GitLab's and Gitea's push payloads share these two fields. */
    private static Outcome push(JsonNode payload, boolean deleted, String actor) {
        String ref = text(payload, "ref");
        if (ref == null) {
            throw new IllegalArgumentException("ref: is missing from the payload");
        }
        if (deleted) {
            return Outcome.ignore(ref + " was deleted");
        }
        String revision = text(payload, "checkout_sha") != null ? revision("checkout_sha",
                text(payload, "checkout_sha")) : revision("after", text(payload, "after"));
        if (ref.startsWith(HEADS)) {
            return request(branch("ref", ref.substring(HEADS.length())), null, revision, actor, Map.of());
        }
        if (ref.startsWith(TAGS)) {
            return request(null, branch("ref", ref.substring(TAGS.length())), revision, actor, Map.of());
        }
        return Outcome.ignore("ref \"" + ref + "\" is neither a branch nor a tag");
    }

    private static Outcome request(String branch, String tag, String revision, String actor,
            Map<String, Object> parameters) {
        return new Outcome(new TriggerRequest(branch, tag, revision, parameters, "webhook",
                actor == null ? "webhook" : actor, null, null), null);
    }

    private static String branch(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": is missing from the payload");
        }
        return GitRefs.branch(field, value);
    }

    private static String revision(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": is missing from the payload");
        }
        return GitRefs.revision(field, value);
    }

    private static boolean zeros(String sha) {
        return sha != null && !sha.isEmpty() && sha.chars().allMatch(c -> c == '0');
    }

    private static String text(JsonNode node, String... path) {
        JsonNode at = node;
        for (String name : path) {
            at = at.path(name);
        }
        return at.isTextual() ? at.asText() : null;
    }
}
