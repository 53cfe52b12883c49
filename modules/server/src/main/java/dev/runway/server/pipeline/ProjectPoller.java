package dev.runway.server.pipeline;

import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.ProjectPoll;
import dev.runway.server.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the branches of projects whose repository cannot send webhooks: each due project's remote is asked for its
 * branch heads ({@code git ls-remote}), and a head not seen before on that branch becomes one pipeline of trigger
 * type {@code poll} at exactly that commit. The head is recorded before the pipeline is created, so a commit is
 * built at most once, across restarts; a branch seen for the first time is built unless its newest pipeline is at
 * that commit already (say, from a webhook).
 */
public final class ProjectPoller {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectPoller.class);
    /** Who the pipelines a poll creates name as their actor. */
    public static final String ACTOR = "poller";
    private final Store store;
    private final GitRepositories git;
    private final PipelineTriggers triggers;
    private final Clock clock;

    public ProjectPoller(Store store, GitRepositories git, PipelineTriggers triggers, Clock clock) {
        this.store = store;
        this.git = git;
        this.triggers = triggers;
        this.clock = clock;
    }

    /** Polls every project that is due now (tests call it directly). */
    public void runOnce() {
        long now = clock.millis();
        for (ProjectPoll poll : store.triggers().duePolls(now)) {
            // Several servers may share the database and read this row as due at once: only the one whose
            // conditional UPDATE ... WHERE next_poll_at = (the value read) moves it forward polls this tick.
            if (store.triggers().claimPoll(poll.projectId(), poll.nextPollAt(), now + poll.intervalSeconds() * 1000)) {
                poll(poll, now);
            }
        }
    }

    private void poll(ProjectPoll poll, long now) {
        Optional<Project> found = store.pipelines().project(poll.projectId());
        if (found.isEmpty()) {
            return;
        }
        Project project = found.get();
        String error = null;
        try {
            Map<String, String> heads = git.remoteHeads(project.repositoryUrl(), poll.branches());
            List<String> missing = poll.branches().stream().filter(branch -> !heads.containsKey(branch)).toList();
            if (!missing.isEmpty()) {
                error = "no branch " + String.join(", ", missing) + " in " + project.repositoryUrl();
            }
            for (Map.Entry<String, String> head : heads.entrySet()) {
                String failure = build(project, head.getKey(), head.getValue(), now);
                error = failure != null ? failure : error;
            }
        } catch (GitRepositories.GitException e) {
            error = e.getMessage();
        }
        if (error != null) {
            LOG.warn("polling {}: {}", project.slug(), error);
        }
        store.triggers().pollDone(project.id(), now, error);
    }

    /** Builds the branch's head if it is new; answers why it could not, or null. */
    private String build(Project project, String branch, String head, long now) {
        Optional<String> seen = store.triggers().pollHead(project.id(), branch);
        if (seen.isPresent() && seen.get().equals(head)) {
            return null;
        }
        if (seen.isEmpty()) {
            List<Pipeline> newest = store.pipelines().pipelines(project.id(), branch, 0, 1);
            if (!newest.isEmpty() && head.equals(newest.get(0).revision())) {
                store.triggers().setPollHead(project.id(), branch, head, newest.get(0).id(), now);
                return null;
            }
        }
        // recorded first: a crash between this and the pipeline loses that one build rather than making it twice
        store.triggers().setPollHead(project.id(), branch, head, null, now);
        try {
            Pipeline pipeline = triggers.trigger(project, new TriggerRequest(branch, null, head, Map.of(),
                    TriggerRequest.POLL, ACTOR, null, null));
            store.triggers().setPollHead(project.id(), branch, head, pipeline.id(), now);
            LOG.info("polling {}: new commit {} on {}: pipeline #{}", project.slug(), head, branch,
                    pipeline.number());
            return null;
        } catch (GitRepositories.GitException e) {
            // the fetch failed: forget the head so that the next poll tries again
            store.triggers().setPollHead(project.id(), branch, seen.orElse(null), null, now);
            return e.getMessage();
        } catch (IllegalArgumentException e) {
            return "branch " + branch + " at " + head + ": " + e.getMessage();
        }
    }
}
