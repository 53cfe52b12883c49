package dev.runway.it.bench;

import dev.runway.client.HttpTransport;
import dev.runway.client.PipelinesClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard of the image's {@code runway server}: the page of a workflow of 100 jobs (10 matrix stages of 10,
 * each stage requiring the one before: 900 edges), rendered through the server's own API, beside that API's job list
 * of the same workflow; and a live log line's way to the browser (a chunk stored -> its Server-Sent Event read by
 * an HTTP client reading the stream as a browser does), beside the output API's own follow of the same chunk.
 */
final class DashboardBench {
    private static final int LOADS = 30;
    private static final int LINES = 30;
    private final Options options;
    private final HttpClient http = HttpClient.newHttpClient();

    DashboardBench(Options options) {
        this.options = options;
    }

    /** Ten stages of ten jobs, a stage requiring every job of the one before. */
    static String hundredJobs() {
        StringBuilder config = new StringBuilder("version: 2.1\njobs:\n  work:\n    machine: true\n"
                + "    resource_class: bench/dashboard\n    parameters: {n: {type: integer}}\n"
                + "    steps: [{run: echo << parameters.n >>}]\nworkflows:\n  hundred:\n    jobs:\n");
        for (int stage = 1; stage <= 10; stage++) {
            config.append("      - work:\n          name: s").append(stage).append("-<< matrix.n >>\n")
                    .append("          matrix: {alias: s").append(stage).append(", parameters: {n: [1, 2, 3, 4, 5,"
                            + " 6, 7, 8, 9, 10]}}\n");
            if (stage > 1) {
                config.append("          requires: [s").append(stage - 1).append("]\n");
            }
        }
        return config.toString();
    }

    List<Row> measure() throws Exception {
        Path directory = Files.createDirectories(options.work().resolve("dashboard"));
        try (Cluster cluster = Cluster.start(directory.resolve("cluster"))) {
            cluster.resourceClassToken("dashboard"); // the 100 jobs' class: they stay queued, no runner claims
            String liveToken = cluster.resourceClassToken("live");
            String admin = cluster.server.adminToken();
            String cookie = signIn(cluster.uri(), admin);
            return List.of(pageLoad(cluster, directory, admin, cookie), liveLine(cluster, liveToken, admin, cookie));
        }
    }

    private Row pageLoad(Cluster cluster, Path directory, String admin, String cookie) throws Exception {
        Path repo = Files.createDirectories(directory.resolve("repo"));
        Files.createDirectories(repo.resolve(".circleci"));
        Files.writeString(repo.resolve(".circleci/config.yml"), hundredJobs());
        dev.runway.it.support.Git.run(repo, "init", "-q");
        dev.runway.it.support.Git.run(repo, "add", "-A");
        dev.runway.it.support.Git.run(repo, "commit", "-q", "-m", "hundred");
        PipelinesClient pipelines = new PipelinesClient(new HttpTransport(cluster.uri(), Duration.ofSeconds(30)), admin);
        String slug = pipelines.createProject(new PipelinesApi.ProjectCreate(Cluster.NAMESPACE, repo.toString(),
                "hundred", "main")).slug();
        String pipeline = pipelines.trigger(slug, "main", null, java.util.Map.of()).id();
        String workflow = null;
        for (int i = 0; i < 600 && workflow == null; i++) {
            var items = pipelines.workflows(pipeline).path("items");
            if (!items.isEmpty() && pipelines.workflowJobs(items.get(0).path("id").asText()).path("items").size()
                    == 100) {
                workflow = items.get(0).path("id").asText();
            } else {
                TimeUnit.MILLISECONDS.sleep(100); // the scheduler creates the workflow on its next tick
            }
        }
        if (workflow == null) {
            throw new IllegalStateException("pipeline " + pipeline + " has no workflow of 100 jobs");
        }
        URI page = cluster.uri().resolve("/ui/pipelines/" + pipeline);
        URI api = cluster.uri().resolve("/api/v2/workflow/" + workflow + "/job");
        for (int i = 0; i < 20; i++) { // warm: both paths compiled before the first timed load
            time(page, "Cookie", cookie, "Job graph of workflow hundred");
            time(api, "Circle-Token", admin, "\"items\"");
        }
        List<Double> loads = new ArrayList<>();
        List<Double> lists = new ArrayList<>();
        for (int i = 0; i < options.runs() * LOADS; i++) {
            loads.add(time(page, "Cookie", cookie, "Job graph of workflow hundred"));
            lists.add(time(api, "Circle-Token", admin, "\"items\""));
        }
        Stats figure = Stats.of(loads);
        return Row.measured("dashboard: workflow page of 100 jobs", "ms", figure, "the API's job list of it",
                Stats.of(lists), "< 200 ms", figure.median() < 200, "request -> last byte on loopback (the server's "
                        + "time: the page calls the API for the pipeline, its workflows and their jobs); 900 edges, "
                        + LOADS + " loads per run");
    }

    private Row liveLine(Cluster cluster, String rcToken, String admin, String cookie) throws Exception {
        HttpTransport transport = new HttpTransport(cluster.uri(), Duration.ofSeconds(30));
        JobsApi.JobStatus job = cluster.management.submitJob(JobsApi.JobSubmission.ofCommands(
                Cluster.resourceClass("live"), "live", "echo live"));
        ClaimResponse claim = new dev.runway.client.RunnerClient(transport, rcToken).claim(new ClaimRequest("bench",
                "localhost", "bench", "linux", "amd64", 1, 10)).orElseThrow();
        TaskClient task = new dev.runway.client.RunnerClient(transport, rcToken).forTask(claim);
        task.heartbeat();
        BlockingQueue<long[]> events = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(cluster.uri().resolve("/ui/jobs/gh/"
                + Cluster.NAMESPACE + "/x/" + job.buildNum() + "/events/1/1?offset=0")).header("Cookie", cookie)
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> read(stream.body(), events), "bench-sse");
        reader.setDaemon(true);
        reader.start();
        List<Double> sse = new ArrayList<>();
        List<Double> follow = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < 5 + options.runs() * LINES; i++) {
            byte[] line = ("line " + i + " of the live log\n").getBytes(StandardCharsets.UTF_8);
            // the output API's own follow of the next chunk, held before the chunk is stored
            long at = offset;
            CompletableFuture<HttpResponse<byte[]>> api = http.sendAsync(HttpRequest.newBuilder(cluster.uri()
                    .resolve("/api/v3/jobs/" + job.id() + "/steps/0/output?offset=" + at + "&wait=10"))
                    .header("Circle-Token", admin).build(), HttpResponse.BodyHandlers.ofByteArray());
            // pacing, not synchronisation: the follow is held before the chunk comes (a chunk stored first would
            // be answered at once, and make the floor look faster than a follow is)
            TimeUnit.MILLISECONDS.sleep(20);
            long start = System.nanoTime();
            task.appendOutput(0, offset, line, line.length, System.currentTimeMillis());
            offset += line.length;
            long[] event = events.poll(10, TimeUnit.SECONDS);
            if (event == null || event[0] != offset) {
                throw new IllegalStateException("no event for offset " + offset);
            }
            api.get(10, TimeUnit.SECONDS);
            long apiAt = System.nanoTime();
            if (i >= 5) {
                sse.add((event[1] - start) / 1e6);
                follow.add((apiAt - start) / 1e6);
            }
        }
        stream.body().close();
        Stats figure = Stats.of(sse);
        return Row.measured("dashboard: live log line -> browser", "ms", figure, "the output API's follow of it",
                Stats.of(follow), "<= 250 ms", figure.median() <= 250, "a chunk stored by the runner protocol -> its "
                        + "Server-Sent Event read from /ui/jobs/.../events; " + LINES + " lines per run");
    }

    private static void read(InputStream body, BlockingQueue<long[]> events) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            long id = -1;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("data: ") && id >= 0) {
                    events.add(new long[] {id, System.nanoTime()});
                    id = -1;
                }
            }
        } catch (java.io.IOException e) {
            // the stream was closed at the end of the measure
        }
    }

    private double time(URI uri, String header, String value, String expect) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header(header, value).build(),
                HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - start) / 1e6;
        if (response.statusCode() != 200 || !response.body().contains(expect)) {
            throw new IllegalStateException(uri.getPath() + " answered " + response.statusCode());
        }
        return millis;
    }

    private String signIn(URI base, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/ui/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow(() -> new IllegalStateException(
                "sign-in answered " + response.statusCode()));
        return cookie.substring(0, cookie.indexOf(';'));
    }
}
