package dev.runway.server;

import dev.runway.server.pipeline.GitRepositories;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's project mirror ({@link GitRepositories}), read-only over git's smart HTTP protocol for the checkout step
 * of a pipeline job: {@code git upload-pack --stateless-rpc} on the mirror, request and answer streamed, never held
 * in memory. Only a checkout credential of that very task opens it, while the task runs ({@link Auth#checkoutTask});
 * receive-pack is not served, so nothing is ever written to a mirror through it.
 */
final class GitMirrorMount {
    private static final Logger LOG = LoggerFactory.getLogger(GitMirrorMount.class);
    /** A checkout asks for an exact commit, which no ref may name (a shallow fetch of the pipeline's revision). */
    private static final List<String> UPLOAD_PACK = List.of("git", "-c", "uploadpack.allowReachableSHA1InWant=true",
            "upload-pack", "--stateless-rpc");
    private final Store store;
    private final Auth auth;
    private final GitRepositories git;

    GitMirrorMount(Store store, Auth auth, GitRepositories git) {
        this.store = store;
        this.auth = auth;
        this.git = git;
    }

    void register(Router router) {
        String base = dev.runway.protocol.ApiPaths.gitMirror("{task}");
        router.ownCredential("GET", base + "/info/refs", this::advertise)
                .ownCredential("POST", base + "/git-upload-pack", this::uploadPack);
    }

    /** {@code GET info/refs?service=git-upload-pack}: the mirror's refs, where git's smart HTTP fetch starts. */
    private Runnable advertise(Exchange exchange, Request request, Response response, Callback callback) {
        Task task = auth.checkoutTask(exchange, exchange.path("task"));
        if (!"git-upload-pack".equals(exchange.query("service"))) {
            throw new ApiError(403, "the project mirror is read-only: only service=git-upload-pack is served");
        }
        String projectId = projectOf(task);
        return () -> {
            // another replica (its own data directory) may have mirrored the pipeline's commit, not this one
            try {
                String revision = revisionOf(task);
                if (revision != null && git.resolve(projectId, revision) == null) {
                    store.pipelines().project(projectId).ifPresent(project -> git.fetch(projectId,
                            project.repositoryUrl()));
                }
            } catch (RuntimeException e) { // a GitException names the URL: for the log, not the runner
                LOG.warn("task {}: cannot bring the project's mirror up to date: {}", task.id(), e.getMessage());
                Response.writeError(request, response, callback, 502, "the server cannot fetch the project's"
                        + " repository (see the server log)");
                return;
            }
            run(request, response, callback, "application/x-git-upload-pack-advertisement", git.mirrorDirectory(
                    projectId), true);
        };
    }

    /** {@code POST git-upload-pack}: the client's wants and haves in, the pack out. */
    private Runnable uploadPack(Exchange exchange, Request request, Response response, Callback callback) {
        Path mirror = mirrorOf(exchange);
        return () -> run(request, response, callback, "application/x-git-upload-pack-result", mirror, false);
    }

    /** Checked before any byte of the body is read: the credential, its task, and that task's project mirror. */
    private Path mirrorOf(Exchange exchange) {
        Task task = auth.checkoutTask(exchange, exchange.path("task"));
        Path mirror = git.mirrorDirectory(projectOf(task));
        if (!Files.isDirectory(mirror.resolve("objects"))) {
            throw ApiError.notFound("the project of task " + task.id() + " has no mirror on this server");
        }
        return mirror;
    }

    private String projectOf(Task task) {
        Optional<String[]> workflowJob = store.testResults().workflowJobOf(task.jobId());
        if (workflowJob.isEmpty()) {
            throw ApiError.notFound("task " + task.id() + " is not a pipeline's: it has no project mirror");
        }
        return workflowJob.get()[2];
    }

    /** The commit the task's checkout asks for, or null. */
    private String revisionOf(Task task) {
        return store.jobs().find(task.jobId()).map(job -> StoredJob.fromJson(job.definition()).checkout())
                .map(checkout -> checkout.revision()).orElse(null);
    }

    private static void run(Request request, Response response, Callback callback, String contentType, Path mirror,
            boolean advertise) {
        List<String> command = new java.util.ArrayList<>(UPLOAD_PACK);
        if (advertise) {
            command.add("--advertise-refs");
        }
        command.add(mirror.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            LOG.error("cannot start git upload-pack on {}", mirror, e);
            Response.writeError(request, response, callback, 500, "cannot start git upload-pack (see the server log)");
            return;
        }
        try {
            Thread feeder = advertise ? null : feed(request, process);
            if (advertise) {
                process.getOutputStream().close();
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            try (OutputStream out = Content.Sink.asOutputStream(response);
                    InputStream pack = process.getInputStream()) {
                if (advertise) {
                    out.write(pktLine("# service=git-upload-pack\n"));
                    out.write("0000".getBytes(StandardCharsets.US_ASCII));
                }
                pack.transferTo(out);
            }
            if (feeder != null) {
                feeder.join();
            }
            int exit = process.waitFor();
            if (exit != 0) {
                LOG.info("git upload-pack on {} exited with {}", mirror, exit);
            }
            callback.succeeded();
        } catch (IOException | UncheckedIOException e) {
            process.destroyForcibly();
            LOG.debug("git upload-pack on {}: the client went away ({})", mirror, e.toString());
            callback.failed(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            callback.failed(e);
        }
    }

    /** Copies the request body (gunzipped when git compressed it) into upload-pack, beside the answer's copy. */
    private static Thread feed(Request request, Process process) {
        boolean gzip = "gzip".equalsIgnoreCase(request.getHeaders().get(HttpHeader.CONTENT_ENCODING));
        Thread feeder = new Thread(() -> {
            try (InputStream raw = Content.Source.asInputStream(request);
                    InputStream body = gzip ? new GZIPInputStream(raw) : raw;
                    OutputStream in = process.getOutputStream()) {
                body.transferTo(in);
            } catch (IOException e) {
                LOG.debug("git upload-pack request body: {}", e.toString());
                process.destroyForcibly();
            }
        }, "runway-git-request");
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    private static byte[] pktLine(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return (String.format("%04x", bytes.length + 4) + text).getBytes(StandardCharsets.UTF_8);
    }

}
