package dev.runway.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Projects (Runway's own {@code /api/v3/projects}) and CircleCI API v2's pipelines, workflows and jobs
 * ({@code /api/v2}), in CircleCI's shapes: what its existing clients read. Keys CircleCI always sends, even when
 * null, are marked to be written as null.
 */
public final class PipelinesApi {
    /** CircleCI's API v2 base path. */
    public static final String V2 = "/api/v2";
    /** {@code POST} creates ({@link ProjectCreate} -> 201 {@link Project}), {@code GET} lists; admin token. */
    public static final String PROJECTS = ApiPaths.BASE + "/projects";

    private PipelinesApi() {}

    /** A project by id or by (URL-escaped) slug: {@code GET}, {@code DELETE}. */
    public static String project(String idOrEscapedSlug) {
        return PROJECTS + "/" + idOrEscapedSlug;
    }

    /** API v2 paths take the slug URL-escaped, as CircleCI's clients send it. */
    public static String v2ProjectPipelines(String escapedSlug) {
        return V2 + "/project/" + escapedSlug + "/pipeline";
    }

    public static String v2Workflow(String workflowId) {
        return V2 + "/workflow/" + workflowId;
    }

    public static String v2PipelineWorkflows(String pipelineId) {
        return V2 + "/pipeline/" + pipelineId + "/workflow";
    }

    public static String v2Pipeline(String pipelineId) {
        return V2 + "/pipeline/" + pipelineId;
    }

    /** {@code repositoryUrl}: any URL or path git can fetch; {@code name} defaults to the repository's name. */
    public record ProjectCreate(String namespace, String repositoryUrl, String name, String defaultBranch) {}

    public record VcsInfo(String vcsUrl, String provider, String defaultBranch) {}

    /** CircleCI's project; {@code namespace} is Runway's (the namespace whose runners the project's jobs use). */
    public record Project(String slug, String name, String id, String organizationName, String organizationSlug,
            String organizationId, VcsInfo vcsInfo, String namespace) {}

    public record ProjectList(List<Project> items) {}

    /** A page of a list: both keys always present; {@code nextPageToken} null on the last page. */
    public record Page<T>(@JsonInclude(JsonInclude.Include.ALWAYS) List<T> items,
            @JsonInclude(JsonInclude.Include.ALWAYS) String nextPageToken) {}

    /** The trigger body; every field optional. */
    public record TriggerBody(String branch, String tag, Map<String, Object> parameters) {}

    public record PipelineCreated(String id, String state, long number, String createdAt) {}

    public record PipelineError(String type, String message) {}

    public record Actor(String login, @JsonInclude(JsonInclude.Include.ALWAYS) String avatarUrl) {}

    public record Trigger(String type, String receivedAt, Actor actor) {}

    public record Commit(@JsonInclude(JsonInclude.Include.ALWAYS) String subject,
            @JsonInclude(JsonInclude.Include.ALWAYS) String body) {}

    public record Vcs(String providerName, String originRepositoryUrl, String targetRepositoryUrl,
            @JsonInclude(JsonInclude.Include.ALWAYS) String revision, String branch, String tag, Commit commit) {}

    public record Pipeline(String id, List<PipelineError> errors, String projectSlug, String updatedAt, long number,
            Map<String, Object> triggerParameters, String state, String createdAt, Trigger trigger, Vcs vcs) {}

    public record PipelineConfig(String source, String compiled) {}

    public record Workflow(String pipelineId, String id, String name, String projectSlug, String status,
            String startedBy, long pipelineNumber, String createdAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) String stoppedAt, String canceledBy, String tag) {}

    /** A job of a workflow; {@code approvalRequestId} (approval jobs) is what approving names. */
    public record WorkflowJob(String id, String name, String type, String status, Long jobNumber,
            @JsonInclude(JsonInclude.Include.ALWAYS) String startedAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) String stoppedAt, List<String> dependencies,
            String projectSlug, String approvalRequestId, String approvedBy, Map<String, List<String>> requires) {}

    /** Rerun body: {@code from_failed} (some clients send {@code fromFailed}), or {@code jobs} (job ids). */
    public record RerunBody(@JsonProperty("from_failed") Boolean fromFailedSnake,
            @JsonProperty("fromFailed") Boolean fromFailedCamel, List<String> jobs, Boolean enableSsh,
            Boolean sparseTree) {
        public boolean failedOnly() {
            return Boolean.TRUE.equals(fromFailedSnake) || Boolean.TRUE.equals(fromFailedCamel);
        }
    }

    public record RerunAnswer(String workflowId) {}

    public record Message(String message) {}

    public record User(String id, String login, String name, @JsonInclude(JsonInclude.Include.ALWAYS)
            String avatarUrl) {}

    public record Executor(String resourceClass, String type) {}

    public record JobProject(String id, String slug, String name, String externalUrl) {}

    public record Named(String name) {}

    public record ParallelRun(int index, String status) {}

    public record Ref(String id, String name) {}

    public record Id(String id) {}

    public record JobMessage(String type, String message, String reason) {}

    /** Job details (by number), CircleCI's shape; {@code duration} in milliseconds. */
    public record JobDetails(long number, String name, String status,
            @JsonInclude(JsonInclude.Include.ALWAYS) String startedAt, String createdAt, String queuedAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long duration, Executor executor, JobProject project,
            Named organization, List<Named> contexts, String webUrl, List<ParallelRun> parallelRuns,
            Ref latestWorkflow, Id pipeline, int parallelism, List<JobMessage> messages,
            @JsonInclude(JsonInclude.Include.ALWAYS) String stoppedAt) {}
}
