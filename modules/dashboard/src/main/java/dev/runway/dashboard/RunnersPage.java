package dev.runway.dashboard;

import static dev.runway.dashboard.Html.esc;

import dev.runway.client.ApiException;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.ManagementApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runners by resource class: each runner online or offline (a claim within the online window, or running a task),
 * its last contact, version and host; the class's queued and running tasks, the wait of its recent tasks, and a
 * button that pauses or resumes dispatch.
 */
final class RunnersPage {
    /** Recent jobs of a class read for the wait times and the queued and running lists. */
    static final int RECENT = 20;
    private final Duration onlineWindow;
    private final Clock clock;

    RunnersPage(Duration onlineWindow, Clock clock) {
        this.onlineWindow = onlineWindow;
        this.clock = clock;
    }

    WebResponse show(Api api, String csrf) throws ApiException, InterruptedException {
        StringBuilder body = new StringBuilder();
        List<ManagementApi.NamespaceData> namespaces = api.management.listNamespaces().data();
        if (namespaces.isEmpty()) {
            body.append("<p>No namespaces yet: <code>runway namespace create</code> adds one.</p>");
        }
        for (ManagementApi.NamespaceData namespace : namespaces) {
            String name = namespace.attributes().name();
            List<ManagementApi.ResourceClass> classes = api.management.listResourceClasses(name).items();
            List<ManagementApi.Runner> runners = api.management.listRunnersOfNamespace(name).items();
            body.append("<section class=\"card\" aria-labelledby=\"ns-").append(esc(name)).append("\"><h2 id=\"ns-")
                    .append(esc(name)).append("\">Namespace ").append(esc(name)).append("</h2>");
            if (classes.isEmpty()) {
                body.append("<p>No resource classes.</p>");
            }
            for (ManagementApi.ResourceClass rc : classes) {
                resourceClass(body, api, csrf, rc, runners);
            }
            body.append("</section>");
        }
        return WebResponse.html(200, Html.page("Runners", csrf, body.toString()));
    }

    private void resourceClass(StringBuilder body, Api api, String csrf, ManagementApi.ResourceClass rc,
            List<ManagementApi.Runner> all) throws ApiException, InterruptedException {
        String name = rc.resourceClass();
        boolean paused = api.management.dispatchPaused(rc.id());
        List<JobsApi.JobStatus> recent = api.management.listJobs(name, null, RECENT).items();
        Set<String> busy = new HashSet<>();
        List<JobsApi.JobStatus> queued = new ArrayList<>();
        List<JobsApi.JobStatus> running = new ArrayList<>();
        List<Long> waits = new ArrayList<>();
        for (JobsApi.JobStatus job : recent) {
            if (job.state() == JobsApi.JobState.QUEUED) {
                queued.add(job);
            } else if (job.state() == JobsApi.JobState.RUNNING) {
                running.add(job);
                if (job.runner() != null) {
                    busy.add(job.runner());
                }
            }
            Long wait = between(job.createdAt(), job.startedAt());
            if (wait != null) {
                waits.add(wait);
            }
        }
        body.append("<article class=\"rc\" data-resource-class=\"").append(esc(name)).append("\"><h3>")
                .append(esc(name)).append(paused ? " " + Html.status("paused") : "").append("</h3>");
        if (!rc.description().isEmpty()) {
            body.append("<p>").append(esc(rc.description())).append("</p>");
        }
        body.append("<p class=\"meta\">").append(api.management.unclaimedTasks(name)).append(" queued · ")
                .append(api.management.runningTasks(name)).append(" running");
        if (!waits.isEmpty()) {
            long median = waits.stream().sorted().toList().get(waits.size() / 2);
            long longest = waits.stream().mapToLong(Long::longValue).max().orElse(0);
            body.append(" · wait of the last ").append(waits.size()).append(" tasks: median ")
                    .append(esc(Html.millis(median))).append(", longest ").append(esc(Html.millis(longest)));
        }
        body.append("</p>").append(paused
                ? Html.action("/ui/runners/" + rc.id() + "/resume", "Resume dispatch of " + name, csrf, "primary")
                : Html.action("/ui/runners/" + rc.id() + "/pause", "Pause dispatch of " + name, csrf, "danger"));
        body.append("<table><caption>Runners of ").append(esc(name)).append("</caption><thead><tr>")
                .append("<th scope=\"col\">Runner</th><th scope=\"col\">State</th><th scope=\"col\">Last seen</th>")
                .append("<th scope=\"col\">Version</th><th scope=\"col\">Host</th></tr></thead><tbody>");
        int count = 0;
        for (ManagementApi.Runner runner : all) {
            if (!name.equals(runner.resourceClass())) {
                continue;
            }
            count++;
            boolean online = busy.contains(runner.name()) || recent(runner.lastConnected());
            body.append("<tr data-runner=\"").append(esc(runner.name())).append("\"><td>").append(esc(runner.name()))
                    .append("</td><td class=\"runner-state\">").append(Html.status(online ? "online" : "offline"))
                    .append("</td><td><time datetime=\"").append(esc(runner.lastConnected())).append("\">")
                    .append(esc(ago(runner.lastConnected()))).append("</time></td><td>").append(esc(runner.version()))
                    .append("</td><td>").append(esc(runner.hostname())).append(runner.ip() == null ? ""
                            : " <small>" + esc(runner.ip()) + "</small>").append("</td></tr>");
        }
        body.append("</tbody></table>");
        if (count == 0) {
            body.append("<p>No runner has claimed for this class yet.</p>");
        }
        tasks(body, "Queued", queued);
        tasks(body, "Running", running);
        body.append("</article>");
    }

    private static void tasks(StringBuilder body, String label, List<JobsApi.JobStatus> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        body.append("<h4>").append(label).append("</h4><ul class=\"tasks\">");
        for (JobsApi.JobStatus job : jobs) {
            body.append("<li>Job #").append(job.buildNum()).append(' ').append(esc(job.name()))
                    .append(job.runner() == null ? "" : " on " + esc(job.runner())).append("</li>");
        }
        body.append("</ul>");
    }

    private boolean recent(String iso) {
        Long age = between(iso, Instant.ofEpochMilli(clock.millis()).toString());
        return age != null && age <= onlineWindow.toMillis();
    }

    private String ago(String iso) {
        Long age = between(iso, Instant.ofEpochMilli(clock.millis()).toString());
        return age == null ? "never" : Html.millis(Math.max(0, age)) + " ago";
    }

    private static Long between(String fromIso, String toIso) {
        if (fromIso == null || toIso == null) {
            return null;
        }
        try {
            return Duration.between(Instant.parse(fromIso), Instant.parse(toIso)).toMillis();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** pause / resume: the API's dispatch switch of the class, then back to the runners. */
    WebResponse act(Api api, String resourceClassId, String action) throws ApiException, InterruptedException {
        if (!action.equals("pause") && !action.equals("resume")) {
            throw new ApiException(404, "no such action on a resource class: " + action, null, null, null);
        }
        api.management.setDispatchPaused(resourceClassId, action.equals("pause"));
        return WebResponse.redirect("/ui/runners");
    }
}
