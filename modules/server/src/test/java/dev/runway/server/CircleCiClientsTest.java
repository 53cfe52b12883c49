package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public clients of CircleCI's runner API, replayed byte for byte against the real server: each test sends what the
 * named client's source builds (method, path, query as that client encodes it, headers, body bytes) and checks what
 * that client reads from the answer. The sources are public:
 * <ul>
 * <li>current CLI: CircleCI-Public/circleci-cli, internal/apiclient/runner.go and namespace.go over
 * internal/httpcl/client.go (Go json.Marshal of a map: keys sorted; url.Values.Encode: keys sorted, "/" as %2F,
 * "[" and "]" as %5B and %5D; {@code Authorization: Bearer}; {@code Content-Type: application/json;
 * charset=utf-8});</li>
 * <li>v0 CLI: CircleCI-Public/circleci-cli branch v0, api/runner/runner.go over api/rest/client.go (json.Encoder: a
 * trailing newline; {@code Circle-Token});</li>
 * <li>Terraform: CircleCI-Public/terraform-provider-circleci, internal/circleci/runner/runner.go over
 * internal/circleci/client/client.go (struct field order; {@code Circle-Token});</li>
 * <li>autoscalers: the runner-scaling blog post's Lambda, maskaravivek/circleci-self-hosted-runner-autoscaling
 * lambda/auto-scaling-lambda/index.js (node-fetch, query not encoded), and the Go one,
 * vela-games/circleci-runner-autoscaler client/client.go (generated from the v2 runner API, base
 * {@code /api/v2}).</li>
 * </ul>
 */
class CircleCiClientsTest {
    private static final String CLI_AGENT = "circleci-cli (linux/amd64; 0.1.34567)";
    private static final String GO_AGENT = "Go-http-client/1.1";
    @TempDir
    Path data;
    TestServer server;
    String admin;
    /** The organisation of namespace acme, as the current CLI gives it: a UUID. */
    final String orgId = UUID.randomUUID().toString();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(data);
        admin = server.server.adminToken();
        // circleci namespace create acme --org <uuid> (internal/apiclient/namespace.go CreateNamespace)
        HttpResponse<String> created = currentCli("POST", "/api/v3/namespaces",
                "{\"name\":\"acme\",\"org_id\":\"" + orgId + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        server.admin.createResourceClass("acme/linux", "linux boxes");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // --- the clients' requests, as their sources build them ---

    private HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.server.uri() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        headers.forEach(builder::header);
        return server.http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** internal/httpcl/client.go Call: Bearer, Accept, User-Agent, and a JSON Content-Type with a body. */
    private HttpResponse<String> currentCli(String method, String pathAndQuery, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Authorization", "Bearer " + admin);
        headers.put("User-Agent", CLI_AGENT);
        if (body != null) {
            headers.put("Content-Type", "application/json; charset=utf-8");
        }
        return send(method, pathAndQuery, headers, body);
    }

    /** api/rest/client.go NewRequest + enrichRequestHeaders (v0): Circle-Token, the command header, body + "\n". */
    private HttpResponse<String> v0Cli(String method, String pathAndQuery, String body, String command)
            throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Circle-Token", admin);
        headers.put("Accept", "application/json");
        headers.put("User-Agent", "circleci-cli/0.1.30995+8aa3c47 (linux amd64)");
        headers.put("Circleci-Cli-Command", command);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return send(method, pathAndQuery, headers, body == null ? null : body + "\n");
    }

    /** internal/circleci/client/client.go request: Accept, User-Agent, Content-Type always, Circle-Token. */
    private HttpResponse<String> terraform(String method, String pathAndQuery, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("User-Agent", "terraform-provider-circleci/0.14.0");
        headers.put("Content-Type", "application/json");
        headers.put("Circle-Token", admin);
        return send(method, pathAndQuery, headers, body);
    }

    /** vela-games client/client.go: a GET with the Circle-Token security provider, Go's default User-Agent. */
    private HttpResponse<String> velaAutoscaler(String pathAndQuery, String token) throws Exception {
        return send("GET", pathAndQuery, Map.of("Circle-Token", token, "User-Agent", GO_AGENT), null);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private String rcToken(String resourceClass) throws Exception {
        return server.admin.createToken(resourceClass, "agent").token();
    }

    private void connect(String token, String runnerName) throws Exception {
        assertThat(server.runner(token).claim(TestServer.claimRequest(runnerName, 0))).isEmpty();
    }

    private static List<String> texts(JsonNode items, String field) {
        List<String> values = new ArrayList<>();
        items.forEach(item -> values.add(item.get(field).asText()));
        return values;
    }

    // --- 1. Terraform's create bodies carry org_id ---

    @Test
    void terraformCreatesAResourceClassAndATokenWithItsOrgId() throws Exception {
        // runner.go CreateResourceClassRequest {org_id, resource_class, description omitempty}: org_id empty when
        // the resource has no organization_id
        HttpResponse<String> rc = terraform("POST", "/api/v3/runner/resource",
                "{\"org_id\":\"\",\"resource_class\":\"acme/terraformed\",\"description\":\"made by terraform\"}");
        assertThat(rc.statusCode()).as(rc.body()).isEqualTo(200);
        assertThat(json(rc).get("id").asText()).isNotBlank();
        assertThat(json(rc).get("resource_class").asText()).isEqualTo("acme/terraformed");
        assertThat(json(rc).get("description").asText()).isEqualTo("made by terraform");

        HttpResponse<String> withOrg = terraform("POST", "/api/v3/runner/resource",
                "{\"org_id\":\"" + orgId + "\",\"resource_class\":\"acme/with-org\"}");
        assertThat(withOrg.statusCode()).as(withOrg.body()).isEqualTo(200);

        // CreateTokenRequest {org_id, resource_class, nickname}
        HttpResponse<String> token = terraform("POST", "/api/v3/runner/token",
                "{\"org_id\":\"" + orgId + "\",\"resource_class\":\"acme/terraformed\",\"nickname\":\"tf\"}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(json(token).get("token").asText()).matches("[0-9a-f]{64}");
        assertThat(json(token).get("nickname").asText()).isEqualTo("tf");
        assertThat(json(token).get("resource_class").asText()).isEqualTo("acme/terraformed");
        assertThat(json(token).get("created_at").asText()).isNotBlank();

        String stranger = UUID.randomUUID().toString();
        HttpResponse<String> wrongOrg = terraform("POST", "/api/v3/runner/token",
                "{\"org_id\":\"" + stranger + "\",\"resource_class\":\"acme/terraformed\",\"nickname\":\"tf\"}");
        assertThat(wrongOrg.statusCode()).isEqualTo(400);
        assertThat(json(wrongOrg).get("message").asText()).startsWith("org_id").contains(stranger)
                .contains("namespace \"acme\"").contains(orgId);
        HttpResponse<String> wrongOrgClass = terraform("POST", "/api/v3/runner/resource",
                "{\"org_id\":\"" + stranger + "\",\"resource_class\":\"acme/other\"}");
        assertThat(wrongOrgClass.statusCode()).isEqualTo(400);
        assertThat(json(wrongOrgClass).get("message").asText()).startsWith("org_id");

        HttpResponse<String> typo = terraform("POST", "/api/v3/runner/token",
                "{\"org_id\":\"\",\"resource_class\":\"acme/terraformed\",\"nick\":\"tf\"}");
        assertThat(typo.statusCode()).as("other unknown fields are still refused").isEqualTo(400);
        assertThat(json(typo).get("message").asText()).isEqualTo("unknown field \"nick\"");
    }

    // --- 2. autoscalers poll the v2 paths ---

    @Test
    void autoscalersPollTheLegacyV2Paths() throws Exception {
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux", "one", "true"));
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux", "two", "true"));
        String token = rcToken("acme/linux");
        server.runner(token).claim(TestServer.claimRequest("i-0abc", 0)).orElseThrow();

        // index.js getTasks: `${base}/api/v2/tasks?resource-class=${rc}` (not encoded), Circle-Token, node-fetch
        HttpResponse<String> lambda = send("GET", "/api/v2/tasks?resource-class=acme/linux", Map.of(
                "Circle-Token", admin, "Accept", "*/*", "User-Agent",
                "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "Accept-Encoding", "gzip,deflate"), null);
        assertThat(lambda.statusCode()).as(lambda.body()).isEqualTo(200);
        assertThat(json(lambda).get("unclaimed_task_count").asLong()).isEqualTo(1);

        // client.go NewGetUnclaimedTasksRequest / NewGetRunningTasksRequest / NewGetRunnersRequest
        HttpResponse<String> unclaimed = velaAutoscaler("/api/v2/tasks?resource-class=acme%2Flinux", admin);
        assertThat(unclaimed.headers().firstValue("Content-Type")).get().asString().contains("json");
        assertThat(json(unclaimed).get("unclaimed_task_count").asLong()).isEqualTo(1);
        HttpResponse<String> running = velaAutoscaler("/api/v2/tasks/running?resource-class=acme%2Flinux", admin);
        assertThat(running.statusCode()).as(running.body()).isEqualTo(200);
        assertThat(json(running).get("running_runner_tasks").asLong()).isEqualTo(1);
        HttpResponse<String> runners = velaAutoscaler("/api/v2/runner?resource-class=acme%2Flinux", admin);
        assertThat(runners.statusCode()).as(runners.body()).isEqualTo(200);
        assertThat(runners.headers().firstValue("Content-Type")).get().asString().contains("json");
        assertThat(texts(json(runners).get("items"), "name")).containsExactly("i-0abc");
        assertThat(texts(json(velaAutoscaler("/api/v2/runner?namespace=acme", admin)).get("items"),
                "resource_class")).containsExactly("acme/linux");
    }

    // --- 3. the current CLI filters by organisation ---

    @Test
    void theCurrentCliListsByOrgId() throws Exception {
        server.admin.createResourceClass("acme/mac", "");
        connect(rcToken("acme/linux"), "box-1");
        connect(rcToken("acme/mac"), "mac-1");

        // resource_class.go runResourceClassList -> runner.go ListResourceClassesByOrg
        HttpResponse<String> classes = currentCli("GET", "/api/v3/runner/resource?org-id=" + orgId, null);
        assertThat(classes.statusCode()).as(classes.body()).isEqualTo(200);
        assertThat(texts(json(classes).get("items"), "resource_class")).containsExactly("acme/linux", "acme/mac");
        // instance.go runInstanceList -> runner.go ListRunnerInstancesByOrg
        HttpResponse<String> instances = currentCli("GET", "/api/v3/runner?org-id=" + orgId, null);
        assertThat(instances.statusCode()).as(instances.body()).isEqualTo(200);
        assertThat(texts(json(instances).get("items"), "hostname")).containsExactlyInAnyOrder("host-box-1",
                "host-mac-1");

        // Terraform ListResourceClasses / ListRunners: url.Values.Encode, keys sorted, both filters
        HttpResponse<String> both = terraform("GET", "/api/v3/runner/resource?namespace=acme&org-id=" + orgId, null);
        assertThat(texts(json(both).get("items"), "resource_class")).containsExactly("acme/linux", "acme/mac");
        HttpResponse<String> three = terraform("GET", "/api/v3/runner?namespace=acme&org-id=" + orgId
                + "&resource-class=acme%2Fmac", null);
        assertThat(three.statusCode()).as(three.body()).isEqualTo(200);
        assertThat(texts(json(three).get("items"), "name")).containsExactly("mac-1");

        // another organisation's id matches no namespace; a malformed one is named
        String stranger = UUID.randomUUID().toString();
        HttpResponse<String> unknown = currentCli("GET", "/api/v3/runner/resource?org-id=" + stranger, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("message").asText()).contains(stranger);
        assertThat(json(terraform("GET", "/api/v3/runner/resource?namespace=acme&org-id=" + stranger, null))
                .get("items")).as("an intersection").isEmpty();
        HttpResponse<String> malformed = currentCli("GET", "/api/v3/runner?org-id=gh%2Facme", null);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("message").asText()).startsWith("org-id");
    }

    @Test
    void aNamespaceMadeWithAVcsSlugGetsAnOrganisationId() throws Exception {
        server.admin.createNamespace("umbrella", "gitlab/umbrella");
        HttpResponse<String> got = currentCli("GET", "/api/v3/namespaces?filter%5Bname%5D=umbrella", null);
        String organisation = json(got).at("/data/attributes/org_id").asText();
        assertThat(UUID.fromString(organisation).toString()).isEqualTo(organisation);
        assertThat(json(got).at("/data/attributes/org_slug").asText()).isEqualTo("gitlab/umbrella");
        server.admin.createResourceClass("umbrella/linux", "");
        assertThat(texts(json(currentCli("GET", "/api/v3/runner/resource?org-id=" + organisation, null))
                .get("items"), "resource_class")).containsExactly("umbrella/linux");
    }

    // --- 4. an empty nickname ---

    @Test
    void anEmptyNicknameIsAccepted() throws Exception {
        // token.go / config.go default --nickname "" -> runner.go CreateRunnerToken: map keys sorted
        HttpResponse<String> created = currentCli("POST", "/api/v3/runner/token",
                "{\"nickname\":\"\",\"resource_class\":\"acme/linux\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(json(created).get("token").asText()).matches("[0-9a-f]{64}");
        assertThat(json(created).get("nickname").asText()).isEmpty();
        // runner.go ListRunnerTokens
        HttpResponse<String> listed = currentCli("GET", "/api/v3/runner/token?resource-class=acme%2Flinux", null);
        assertThat(json(listed).at("/items/0/id").asText()).isEqualTo(json(created).get("id").asText());
        assertThat(json(listed).at("/items/0").has("nickname")).isTrue();
        assertThat(json(listed).at("/items/0/nickname").asText()).isEmpty();
    }

    // --- 5. HTTP Basic ---

    @Test
    void httpBasicWithTheTokenAsUserNameIsAccepted() throws Exception {
        // circleci/circleci-docs jekyll/_cci2/runner-api.adoc, "http basic auth username": curl -u "$TOKEN:"
        String basic = "Basic " + Base64.getEncoder().encodeToString((admin + ":").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> listed = send("GET", "/api/v2/tasks?resource-class=acme/linux",
                Map.of("Authorization", basic, "User-Agent", "curl/8.5.0", "Accept", "*/*"), null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(json(listed).get("unclaimed_task_count").asLong()).isZero();
        HttpResponse<String> classes = send("GET", "/api/v3/runner/resource?namespace=acme",
                Map.of("Authorization", basic), null);
        assertThat(texts(json(classes).get("items"), "resource_class")).containsExactly("acme/linux");

        String wrong = "Basic " + Base64.getEncoder().encodeToString("nobody:".getBytes(StandardCharsets.UTF_8));
        assertThat(send("GET", "/api/v3/runner/resource?namespace=acme", Map.of("Authorization", wrong), null)
                .statusCode()).isEqualTo(401);
        HttpResponse<String> garbage = send("GET", "/api/v3/runner/resource?namespace=acme",
                Map.of("Authorization", "Basic !!!"), null);
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(json(garbage).get("message").asText()).contains("Basic");
    }

    // --- 6. a resource-class token lists its own class's runners ---

    @Test
    void aResourceClassTokenListsTheRunnersOfItsOwnClass() throws Exception {
        String linux = rcToken("acme/linux");
        server.admin.createResourceClass("acme/mac", "");
        connect(linux, "box-1");
        connect(rcToken("acme/mac"), "mac-1");
        // runner-api.adoc: GET /api/v2/runner takes a resource class token, "http bearer auth"
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + linux, "User-Agent", GO_AGENT);
        HttpResponse<String> own = send("GET", "/api/v2/runner?resource-class=acme%2Flinux", bearer, null);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(texts(json(own).get("items"), "name")).containsExactly("box-1");
        HttpResponse<String> v3 = send("GET", "/api/v3/runner?namespace=acme", bearer, null);
        assertThat(v3.statusCode()).as(v3.body()).isEqualTo(200);
        assertThat(texts(json(v3).get("items"), "name")).as("its own class only").containsExactly("box-1");

        HttpResponse<String> other = send("GET", "/api/v2/runner?resource-class=acme%2Fmac", bearer, null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).get("message").asText()).contains("acme/linux").doesNotContain(linux);
        assertThat(send("GET", "/api/v3/runner/resource?namespace=acme", bearer, null).statusCode())
                .as("the rest of management stays the admin's").isEqualTo(403);
        assertThat(send("GET", "/api/v2/tasks?resource-class=acme%2Flinux", bearer, null).statusCode())
                .isEqualTo(403);
    }

    // --- 7. every documented runner field, null when unknown ---

    @Test
    void aRunnerThatNeverTookATaskHasLastUsedNull() throws Exception {
        connect(rcToken("acme/linux"), "box-1");
        // v0 api/runner/runner.go GetRunnerInstances: "acme" has no "/", so ?namespace=
        HttpResponse<String> v0 = v0Cli("GET", "/api/v3/runner?namespace=acme", null, "runner instance list");
        assertThat(v0.statusCode()).as(v0.body()).isEqualTo(200);
        JsonNode runner = json(v0).at("/items/0");
        // runner-api.adoc marks every field required; clients index them
        for (String field : List.of("resource_class", "hostname", "name", "first_connected", "last_connected",
                "last_used", "ip", "version")) {
            assertThat(runner.has(field)).as(field).isTrue();
        }
        assertThat(runner.get("last_used").isNull()).isTrue();
        assertThat(runner.get("name").asText()).isEqualTo("box-1");
    }

    // --- 8. namespaces: get by name, rename, delete ---

    @Test
    void theCurrentCliGetsRenamesAndDeletesANamespace() throws Exception {
        String token = rcToken("acme/linux");
        String queued = server.admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux", "one", "true")).id();
        // namespace.go GetNamespace: GET /api/v3/namespaces?filter[name]=acme, encoded by url.Values
        HttpResponse<String> got = currentCli("GET", "/api/v3/namespaces?filter%5Bname%5D=acme", null);
        assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
        String id = json(got).at("/data/id").asText();
        assertThat(id).isNotBlank();
        assertThat(json(got).at("/data/attributes/name").asText()).isEqualTo("acme");
        assertThat(json(got).at("/data/attributes/org_id").asText()).isEqualTo(orgId);
        HttpResponse<String> missing = currentCli("GET", "/api/v3/namespaces?filter%5Bname%5D=nobody", null);
        assertThat(missing.statusCode()).as("the CLI maps 404 to ErrNamespaceNotFound").isEqualTo(404);

        // RenameNamespace: POST /api/v3/namespaces/{id}/rename, body RenameNamespaceRequest {"name": new}
        HttpResponse<String> renamed = currentCli("POST", "/api/v3/namespaces/" + id + "/rename",
                "{\"name\":\"acme-corp\"}");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(json(renamed).at("/data/id").asText()).isEqualTo(id);
        assertThat(json(renamed).at("/data/attributes/name").asText()).isEqualTo("acme-corp");
        assertThat(currentCli("GET", "/api/v3/namespaces?filter%5Bname%5D=acme", null).statusCode())
                .isEqualTo(404);
        assertThat(texts(json(currentCli("GET", "/api/v3/runner/resource?namespace=acme-corp", null)).get("items"),
                "resource_class")).containsExactly("acme-corp/linux");
        assertThat(server.admin.jobStatus(queued).resourceClass()).isEqualTo("acme-corp/linux");
        assertThat(server.runner(token).claim(TestServer.claimRequest("box-1", 0)).orElseThrow().jobId())
                .as("its token claims the queued job under the new name").isEqualTo(queued);
        assertThat(texts(json(currentCli("GET", "/api/v3/runner?resource-class=acme-corp%2Flinux", null))
                .get("items"), "resource_class")).containsExactly("acme-corp/linux");
        assertThat(currentCli("POST", "/api/v3/namespaces/" + id + "/rename", "{\"name\":\"Bad Name\"}")
                .statusCode()).isEqualTo(400);

        // DeleteNamespace: GET by name, then DELETE /api/v3/namespaces/{id}; refused while it has classes
        HttpResponse<String> refused = currentCli("DELETE", "/api/v3/namespaces/" + id, null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).get("message").asText()).contains("acme-corp").contains("resource class");
        String rcId = json(currentCli("GET", "/api/v3/runner/resource?namespace=acme-corp", null))
                .at("/items/0/id").asText();
        // runner.go DeleteResourceClass: the /force path
        assertThat(currentCli("DELETE", "/api/v3/runner/resource/" + rcId + "/force", null).statusCode())
                .isEqualTo(200);
        assertThat(currentCli("DELETE", "/api/v3/namespaces/" + id, null).statusCode()).isEqualTo(200);
        assertThat(currentCli("GET", "/api/v3/namespaces?filter%5Bname%5D=acme-corp", null).statusCode())
                .isEqualTo(404);
        assertThat(currentCli("DELETE", "/api/v3/namespaces/" + id, null).statusCode()).isEqualTo(404);
    }

    // --- 9. namespace and resource-class together ---

    @Test
    void namespaceAndResourceClassTogetherAreAnIntersection() throws Exception {
        server.admin.createResourceClass("acme/mac", "");
        connect(rcToken("acme/linux"), "box-1");
        connect(rcToken("acme/mac"), "mac-1");
        server.admin.createNamespace("umbrella", "gitlab/umbrella");
        // instance.go with --resource-class and --namespace -> runner.go ListRunnerInstances (keys sorted)
        HttpResponse<String> both = currentCli("GET", "/api/v3/runner?namespace=acme&resource-class=acme%2Flinux",
                null);
        assertThat(both.statusCode()).as(both.body()).isEqualTo(200);
        assertThat(texts(json(both).get("items"), "name")).containsExactly("box-1");
        HttpResponse<String> disjoint = currentCli("GET",
                "/api/v3/runner?namespace=umbrella&resource-class=acme%2Flinux", null);
        assertThat(disjoint.statusCode()).isEqualTo(200);
        assertThat(json(disjoint).get("items")).isEmpty();
    }
}
