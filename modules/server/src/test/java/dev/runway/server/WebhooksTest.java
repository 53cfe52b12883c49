package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.Json;
import dev.runway.server.pipeline.WebhookSignatures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook deliveries in GitHub's, GitLab's and Gitea's / Forgejo's documented shapes, sent over real HTTP to the real
 * server for a git repository made here: valid signatures create one pipeline at the pushed commit, a bad or missing
 * signature is 401 and creates nothing, a redelivery creates nothing new.
 */
class WebhooksTest {
    private static final String CONFIG = """
            version: 2.1
            jobs:
              build:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo hi}]
            workflows:
              main:
                jobs: [build]
            """;
    private static final String SECRET = "It's a Secret to Everybody";

    @TempDir
    Path temp;
    private Path repo;
    private String head;
    private String tagged;

    @BeforeEach
    void repository() throws Exception {
        repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        PipelineFlowTest.git(repo, "checkout", "-q", "-b", "feature/x");
        Files.writeString(repo.resolve("file"), "change");
        PipelineFlowTest.git(repo, "add", "-A");
        PipelineFlowTest.git(repo, "commit", "-q", "-m", "feature");
        PipelineFlowTest.git(repo, "tag", "v1.0.0");
        head = revParse("feature/x");
        tagged = revParse("v1.0.0");
    }

    private String revParse(String ref) throws Exception {
        Process process = new ProcessBuilder("git", "rev-parse", ref + "^{commit}").directory(repo.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).isZero();
        return out;
    }

    private static String githubPush(String ref, String after, boolean deleted) {
        // the fields of GitHub's documented push payload that matter, with some of the rest around them
        return """
                {"ref": "%s", "before": "0000000000000000000000000000000000000000", "after": "%s",
                 "created": false, "deleted": %s, "forced": false, "base_ref": null,
                 "compare": "https://github.com/acme/app/compare/a...b", "commits": [], "head_commit": null,
                 "repository": {"id": 1, "name": "app", "full_name": "acme/app", "private": true,
                   "owner": {"login": "acme"}, "default_branch": "main"},
                 "pusher": {"name": "octocat", "email": "octocat@example.com"},
                 "sender": {"login": "octocat", "id": 1, "type": "User"}}
                """.formatted(ref, after, deleted);
    }

    private static String gitlabPush(String kind, String ref, String sha) {
        return """
                {"object_kind": "%s", "event_name": "%s", "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
                 "after": "%s", "ref": "%s", "ref_protected": true, "checkout_sha": "%s", "user_id": 4,
                 "user_name": "John Smith", "user_username": "jsmith", "user_email": "john@example.com",
                 "project_id": 15, "project": {"id": 15, "name": "app", "path_with_namespace": "acme/app",
                   "default_branch": "main"},
                 "commits": [], "total_commits_count": 0, "repository": {"name": "app"}}
                """.formatted(kind, kind, sha, ref, sha);
    }

    private HttpResponse<String> post(TestServer server, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.server.uri() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return server.http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> github(String event, String delivery, String signature) {
        return signature == null ? Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery)
                : Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery, "X-Hub-Signature-256", signature);
    }

    private static String sign(String body) {
        return "sha256=" + WebhookSignatures.hmacHex(SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    private TestServer serverWithProject() throws Exception {
        TestServer server = new TestServer(temp.resolve("data"));
        server.resourceClassToken();
        String admin = server.server.adminToken();
        HttpResponse<String> created = server.send("POST", "/api/v3/projects", admin,
                "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"app\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> secret = server.send("PUT", "/api/v3/projects/gh%2Facme%2Fapp/webhook-secret", admin,
                Json.writeString(Map.of("secret", SECRET)));
        assertThat(secret.statusCode()).as(secret.body()).isEqualTo(200);
        JsonNode answer = Json.mapper().readTree(secret.body());
        assertThat(answer.has("secret")).as("a secret given is never echoed").isFalse();
        assertThat(answer.get("webhook_paths").get("github").asText())
                .isEqualTo("/api/v2/webhooks/github/gh%2Facme%2Fapp");
        return server;
    }

    private List<JsonNode> pipelines(TestServer server) throws Exception {
        HttpResponse<String> list = server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/pipeline",
                server.server.adminToken(), null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        Json.mapper().readTree(list.body()).get("items").forEach(items::add);
        return items;
    }

    @Test
    void githubPushCreatesOnePipelineAndRefusesBadSignatures() throws Exception {
        try (TestServer server = serverWithProject()) {
            String path = "/api/v2/webhooks/github/gh%2Facme%2Fapp";
            String body = githubPush("refs/heads/feature/x", head, false);

            HttpResponse<String> missing = post(server, path, body, github("push", "d-1", null));
            assertThat(missing.statusCode()).as(missing.body()).isEqualTo(401);
            assertThat(missing.body()).contains("X-Hub-Signature-256");
            HttpResponse<String> wrong = post(server, path, body, github("push", "d-1",
                    "sha256=" + WebhookSignatures.hmacHex("another secret", body.getBytes(StandardCharsets.UTF_8))));
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(SECRET);
            // a signature of other bytes (the body changed on the way) is refused too
            HttpResponse<String> tampered = post(server, path, body.replace("octocat", "mallory"),
                    github("push", "d-1", sign(body)));
            assertThat(tampered.statusCode()).isEqualTo(401);
            assertThat(pipelines(server)).as("a refused delivery creates nothing").isEmpty();

            HttpResponse<String> accepted = post(server, path, body, github("push", "d-1", sign(body)));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
            String pipelineId = Json.mapper().readTree(accepted.body()).get("id").asText();
            HttpResponse<String> again = post(server, path, body, github("push", "d-1", sign(body)));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(again.body()).contains("received already").contains(pipelineId);
            List<JsonNode> pipelines = pipelines(server);
            assertThat(pipelines).hasSize(1);
            JsonNode pipeline = pipelines.get(0);
            assertThat(pipeline.get("vcs").get("branch").asText()).isEqualTo("feature/x");
            assertThat(pipeline.get("vcs").get("revision").asText()).isEqualTo(head);
            assertThat(pipeline.get("trigger").get("type").asText()).isEqualTo("webhook");
            assertThat(pipeline.get("state").asText()).isEqualTo("created");

            // a tag push, the three-segment slug spelling, and a ping
            String tag = githubPush("refs/tags/v1.0.0", tagged, false);
            HttpResponse<String> tagPush = post(server, "/api/v2/webhooks/github/gh/acme/app", tag,
                    github("push", "d-2", sign(tag)));
            assertThat(tagPush.statusCode()).as(tagPush.body()).isEqualTo(201);
            assertThat(pipelines(server).get(0).get("vcs").get("tag").asText()).isEqualTo("v1.0.0");
            String ping = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}";
            assertThat(post(server, path, ping, github("ping", "d-3", sign(ping))).statusCode()).isEqualTo(200);

            // a deleted branch builds nothing; a branch name git refuses is 400 and creates nothing
            String deleted = githubPush("refs/heads/gone", "0000000000000000000000000000000000000000", true);
            HttpResponse<String> gone = post(server, path, deleted, github("push", "d-4", sign(deleted)));
            assertThat(gone.statusCode()).isEqualTo(200);
            assertThat(gone.body()).contains("deleted");
            String evil = githubPush("refs/heads/--upload-pack=touch /tmp/x", head, false);
            HttpResponse<String> refused = post(server, path, evil, github("push", "d-5", sign(evil)));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("ref: ").contains("not a valid branch name");
            String badSha = githubPush("refs/heads/main", "--not-a-sha", false);
            assertThat(post(server, path, badSha, github("push", "d-6", sign(badSha))).statusCode())
                    .isEqualTo(400);
            assertThat(pipelines(server)).hasSize(2);
        }
    }

    @Test
    void githubPullRequestBuildsTheHeadOfItsBranch() throws Exception {
        try (TestServer server = serverWithProject()) {
            String body = """
                    {"action": "%s", "number": 7,
                     "pull_request": {"number": 7, "state": "open",
                       "head": {"ref": "feature/x", "sha": "%s", "repo": {"full_name": "acme/app"}},
                       "base": {"ref": "main", "sha": "%s", "repo": {"full_name": "acme/app"}}},
                     "repository": {"full_name": "acme/app"}, "sender": {"login": "octocat"}}
                    """;
            String opened = body.formatted("opened", head, head);
            String path = "/api/v2/webhooks/github/gh%2Facme%2Fapp";
            HttpResponse<String> created = post(server, path, opened,
                    github("pull_request", "pr-1", sign(opened)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String closed = body.formatted("closed", head, head);
            HttpResponse<String> ignored = post(server, path, closed, github("pull_request", "pr-2", sign(closed)));
            assertThat(ignored.statusCode()).isEqualTo(200);
            assertThat(pipelines(server)).hasSize(1);
            assertThat(pipelines(server).get(0).get("vcs").get("revision").asText()).isEqualTo(head);
        }
    }

    /**
     * A fork's pull or merge request: its head commit is on no branch of the project's repository, only under the
     * host's {@code refs/pull/N/head} (GitHub) or {@code refs/merge-requests/N/head} (GitLab), which the mirror fetches.
     */
    @Test
    void aForksPullOrMergeRequestBuildsItsHeadFromTheHostsRequestRefs() throws Exception {
        PipelineFlowTest.git(repo, "checkout", "-q", "--detach", "main");
        Files.writeString(repo.resolve("fork"), "from a fork");
        PipelineFlowTest.git(repo, "add", "-A");
        PipelineFlowTest.git(repo, "commit", "-q", "-m", "fork's change");
        String forkHead = revParse("HEAD");
        PipelineFlowTest.git(repo, "update-ref", "refs/pull/8/head", forkHead);
        Files.writeString(repo.resolve("fork"), "from another fork");
        PipelineFlowTest.git(repo, "commit", "-q", "-am", "another fork's change");
        String mergeRequestHead = revParse("HEAD");
        PipelineFlowTest.git(repo, "update-ref", "refs/merge-requests/3/head", mergeRequestHead);
        PipelineFlowTest.git(repo, "checkout", "-q", "main");
        try (TestServer server = serverWithProject()) {
            String opened = """
                    {"action": "opened", "number": 8,
                     "pull_request": {"number": 8, "state": "open",
                       "head": {"ref": "patch-1", "sha": "%s", "repo": {"full_name": "someone/app"}},
                       "base": {"ref": "main", "sha": "%s", "repo": {"full_name": "acme/app"}}},
                     "repository": {"full_name": "acme/app"}, "sender": {"login": "someone"}}
                    """.formatted(forkHead, head);
            HttpResponse<String> pull = post(server, "/api/v2/webhooks/github/gh%2Facme%2Fapp", opened,
                    github("pull_request", "fork-1", sign(opened)));
            assertThat(pull.statusCode()).as(pull.body()).isEqualTo(201);
            String mergeRequest = """
                    {"object_kind": "merge_request", "user": {"username": "someone"},
                     "object_attributes": {"iid": 3, "target_branch": "main", "source_branch": "patch-2",
                       "action": "open", "last_commit": {"id": "%s"}}}
                    """.formatted(mergeRequestHead);
            HttpResponse<String> mr = post(server, "/api/v2/webhooks/gitlab/gh%2Facme%2Fapp", mergeRequest,
                    Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", SECRET,
                            "X-Gitlab-Event-UUID", "fork-2"));
            assertThat(mr.statusCode()).as(mr.body()).isEqualTo(201);
            assertThat(pipelines(server)).extracting(pipeline -> pipeline.get("vcs").get("revision").asText())
                    .containsExactlyInAnyOrder(forkHead, mergeRequestHead);
        }
    }

    @Test
    void gitlabHooksCheckTheTokenAndCreateOncePerDelivery() throws Exception {
        try (TestServer server = serverWithProject()) {
            String path = "/api/v2/webhooks/gitlab/gh%2Facme%2Fapp";
            String push = gitlabPush("push", "refs/heads/feature/x", head);
            Map<String, String> wrong = Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "guess",
                    "X-Gitlab-Event-UUID", "u-1");
            assertThat(post(server, path, push, wrong).statusCode()).isEqualTo(401);
            assertThat(post(server, path, push, Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "u-1"))
                    .statusCode()).isEqualTo(401);
            assertThat(pipelines(server)).isEmpty();

            Map<String, String> headers = Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET,
                    "X-Gitlab-Event-UUID", "u-1");
            HttpResponse<String> created = post(server, path, push, headers);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(post(server, path, push, headers).statusCode()).isEqualTo(200);
            assertThat(pipelines(server)).hasSize(1);
            assertThat(pipelines(server).get(0).get("vcs").get("branch").asText()).isEqualTo("feature/x");

            String tag = gitlabPush("tag_push", "refs/tags/v1.0.0", tagged);
            HttpResponse<String> tagged = post(server, path, tag, Map.of("X-Gitlab-Event", "Tag Push Hook",
                    "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "u-2"));
            assertThat(tagged.statusCode()).as(tagged.body()).isEqualTo(201);

            String mergeRequest = """
                    {"object_kind": "merge_request", "event_type": "merge_request",
                     "user": {"id": 1, "name": "Administrator", "username": "root"},
                     "project": {"id": 1, "path_with_namespace": "acme/app"},
                     "object_attributes": {"id": 99, "iid": 1, "target_branch": "main",
                       "source_branch": "feature/x", "state": "opened", "action": "open",
                       "last_commit": {"id": "%s", "message": "feature"}}}
                    """.formatted(head);
            HttpResponse<String> mr = post(server, path, mergeRequest, Map.of("X-Gitlab-Event",
                    "Merge Request Hook", "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "u-3"));
            assertThat(mr.statusCode()).as(mr.body()).isEqualTo(201);
            assertThat(pipelines(server)).hasSize(3);
        }
    }

    @Test
    void giteaAndForgejoPushesAreSignedWithTheirOwnHeaders() throws Exception {
        try (TestServer server = serverWithProject()) {
            String path = "/api/v2/webhooks/gitea/gh%2Facme%2Fapp";
            String push = """
                    {"ref": "refs/heads/feature/x", "before": "%s", "after": "%s", "compare_url": "",
                     "commits": [], "repository": {"full_name": "acme/app"},
                     "pusher": {"login": "gitea-user"}, "sender": {"login": "gitea-user"}}
                    """.formatted(head, head);
            String hex = WebhookSignatures.hmacHex(SECRET, push.getBytes(StandardCharsets.UTF_8));
            assertThat(post(server, path, push, Map.of("X-Gitea-Event", "push", "X-Gitea-Delivery", "g-1",
                    "X-Gitea-Signature", hex.replace(hex.charAt(0), hex.charAt(0) == 'a' ? 'b' : 'a')))
                    .statusCode()).isEqualTo(401);
            assertThat(post(server, path, push, Map.of("X-Gitea-Event", "push", "X-Gitea-Delivery", "g-1",
                    "X-Gitea-Signature", hex)).statusCode()).isEqualTo(201);
            assertThat(post(server, path, push, Map.of("X-Forgejo-Event", "push", "X-Forgejo-Delivery", "f-1",
                    "X-Forgejo-Signature", hex)).statusCode()).isEqualTo(201);
            assertThat(post(server, path, push, Map.of("X-Forgejo-Event", "push", "X-Forgejo-Delivery", "f-1",
                    "X-Forgejo-Signature", hex)).statusCode()).isEqualTo(200);
            assertThat(pipelines(server)).hasSize(2);
        }
    }

    @Test
    void aProjectWithoutSecretRefusesEveryDeliveryAndAGeneratedSecretIsShownOnce() throws Exception {
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            server.resourceClassToken();
            String admin = server.server.adminToken();
            server.send("POST", "/api/v3/projects", admin,
                    "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"app\"}");
            String body = githubPush("refs/heads/feature/x", head, false);
            HttpResponse<String> refused = post(server, "/api/v2/webhooks/github/gh%2Facme%2Fapp", body,
                    github("push", "d-1", sign(body)));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("no webhook secret");

            HttpResponse<String> generated = server.send("PUT", "/api/v3/projects/gh%2Facme%2Fapp/webhook-secret",
                    admin, null);
            assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);
            String secret = Json.mapper().readTree(generated.body()).get("secret").asText();
            assertThat(secret).hasSize(64);
            String signature = "sha256=" + WebhookSignatures.hmacHex(secret, body.getBytes(StandardCharsets.UTF_8));
            assertThat(post(server, "/api/v2/webhooks/github/gh%2Facme%2Fapp", body,
                    github("push", "d-1", signature)).statusCode()).isEqualTo(201);
            assertThat(server.send("PUT", "/api/v3/projects/gh%2Facme%2Fapp/webhook-secret", null, null)
                    .statusCode()).as("setting a secret needs the admin token").isEqualTo(401);
        }
    }
}
