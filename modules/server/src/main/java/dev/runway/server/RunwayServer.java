package dev.runway.server;

import dev.runway.dashboard.Dashboard;
import dev.runway.dashboard.DashboardSettings;
import dev.runway.protocol.LoopbackHosts;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.server.metrics.ServerMetrics;
import dev.runway.server.blobs.BlobRetention;
import dev.runway.server.blobs.BlobStore;
import dev.runway.server.blobs.BlobSweeper;
import dev.runway.server.blobs.FileBlobStore;
import dev.runway.server.blobs.SharedBlobDirectory;
import dev.runway.server.pipeline.GitRepositories;
import dev.runway.server.pipeline.JobQueue;
import dev.runway.server.pipeline.PipelineScheduler;
import dev.runway.server.pipeline.PipelineSettings;
import dev.runway.server.pipeline.PipelineTriggers;
import dev.runway.server.pipeline.ProjectPoller;
import dev.runway.server.pipeline.ScheduleRunner;
import dev.runway.server.pipeline.TimedTriggers;
import dev.runway.server.pipeline.TriggerRequest;
import dev.runway.server.pipeline.WorkflowActions;
import dev.runway.server.store.Job;
import dev.runway.server.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane, embeddable: {@code try (RunwayServer server = RunwayServer.start(settings)) { ... }}.
 * Serves the management API, the runner protocol and jobs on {@link #uri()}, keeps its state in the data directory.
 */
public final class RunwayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunwayServer.class);
    /** Disk space the blob store leaves free: an upload that would take it is refused before it starts. */
    private static final long BLOB_DISK_RESERVE = 256L * 1024 * 1024;
    private static final int INPUT_BUFFER = 64 * 1024;
    private final Server jetty;
    private final Store store;
    private final ClaimWaiters claims;
    private final OutputWatchers watchers;
    private final ScheduledExecutorService reaper;
    private final ExecutorService continuations;
    private final String adminToken;
    private final Path adminTokenFile;
    private final URI uri;
    private final List<String> routes;
    private final PipelineScheduler scheduler;
    private final PipelineTriggers triggers;
    private final TimedTriggers timed;
    /** How often due polls and schedules are looked for (a cron's unit is the minute). */
    private static final java.time.Duration TRIGGER_TICK = java.time.Duration.ofSeconds(1);
    private final DashboardMount dashboard;
    private final DispatchPauses pauses;

    private RunwayServer(Server jetty, Store store, ClaimWaiters claims, OutputWatchers watchers,
            ScheduledExecutorService reaper, ExecutorService continuations, String adminToken, Path adminTokenFile,
            URI uri, List<String> routes, PipelineScheduler scheduler, PipelineTriggers triggers,
            TimedTriggers timed, DashboardMount dashboard, DispatchPauses pauses) {
        this.timed = timed;
        this.pauses = pauses;
        this.dashboard = dashboard;
        this.jetty = jetty;
        this.store = store;
        this.claims = claims;
        this.watchers = watchers;
        this.reaper = reaper;
        this.continuations = continuations;
        this.adminToken = adminToken;
        this.adminTokenFile = adminTokenFile;
        this.uri = uri;
        this.routes = routes;
        this.scheduler = scheduler;
        this.triggers = triggers;
    }

    /** The job queue as the pipeline scheduler sees it: definitions, claim wake-ups, cancels. */
    private static JobQueue jobQueue(Store store, ClaimWaiters claims, OutputWatchers watchers, SecretsKeys keys,
            Clock clock) {
        return new JobQueue() {
            @Override
            public String definition(List<StepSpec> steps, Map<String, String> environment,
                    Map<String, String> secrets, Checkout checkout) {
                return StoredJob.sealed(steps, environment, secrets, checkout, keys).toJson();
            }

            @Override
            public String secretsKey() {
                return keys.currentId();
            }

            @Override
            public void queued(String resourceClassId) {
                claims.signal(resourceClassId);
            }

            @Override
            public void cancel(String jobId) {
                Job job = store.jobs().cancel(jobId, clock.millis());
                watchers.changed(JobRoutes.queuedKey(job.id()));
                if (job.taskId() != null) {
                    watchers.changed(job.taskId());
                }
            }
        };
    }

    /** Opens the data directory (creating it, mode 0700) and starts serving. */
    public static RunwayServer start(ServerSettings settings) {
        return start(settings, PipelineSettings.defaults());
    }

    /** As {@link #start(ServerSettings)}, with how pipelines run (docker image classes, orb directories). */
    public static RunwayServer start(ServerSettings settings, PipelineSettings pipelineSettings) {
        Path dataDir = settings.dataDir().toAbsolutePath();
        DataProtection protection = settings.protection();
        // read first: a bad certificate or key stops the start before anything is opened
        ServerTls tls = settings.tls() == null ? null : new ServerTls(settings.tls().certFile(),
                settings.tls().keyFile());
        createPrivateDirectory(dataDir);
        List<Path> keyFiles = protection.secretsKey() != null ? List.of()
                : List.of(protection.keyFile(dataDir), SecretsKeys.previousFile(protection.keyFile(dataDir)));
        // before anything is read: what an earlier release (or an operator) left open to others is closed, or refused
        List<String> tightened = PrivateFiles.secure(dataDir, protection.strict(), keyFiles);
        if (!tightened.isEmpty()) {
            LOG.warn("the data directory was open to other users: took group and other access from {} entries "
                    + "(e.g. {}); --strict refuses to start instead", tightened.size(), tightened.get(0));
        }
        String adminToken = AdminToken.loadOrCreate(dataDir);
        SecretsKeys keys = SecretsKeys.load(protection, dataDir);
        Store store = settings.database().open(dataDir, keys.storeCipher());
        try {
            sealStoredSecrets(store, keys);
            if (store.replicated()) { // every replica must read the blobs any replica stored
                SharedBlobDirectory.verify(store.blobs(), dataDir.resolve("blobs"), System.currentTimeMillis());
            }
            PrivateFiles.secure(dataDir, false, keyFiles); // what the store and the key made just now
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Clock clock = Clock.systemUTC();
        // while the server was down no heartbeat could arrive: running tasks get a full lease to reconnect
        store.tasks().extendRunningLeases(clock.millis() + settings.lease().toMillis());
        ClaimWaiters claims = new ClaimWaiters(store.signals());
        OutputWatchers watchers = new OutputWatchers(store.signals());
        DispatchPauses pauses = new DispatchPauses(store, claims, clock);
        store.signals().subscribe(new ReplicaWakeups(claims, watchers, pauses));
        // replicas sharing the store read each other's output: it is kept in the database then
        StepOutput output = store.replicated() ? new DatabaseOutput(store.output())
                : new OutputFiles(dataDir.resolve("output"));
        ExecutorService continuations = Executors.newFixedThreadPool(4, daemonThreads("runway-wakeup"));
        Auth auth = new Auth(store, adminToken);
        ServerMetrics metrics = new ServerMetrics(store, claims::waitingByClass, output::bytesStored, version(),
                clock);
        Router router = new Router();
        new ProbeRoutes(store, auth, metrics).register(router);
        // a job's end moves its workflow on before the result is answered: the jobs that require it are queued
        // without waiting for a tick or a thread
        PipelineScheduler scheduler = new PipelineScheduler(store, jobQueue(store, claims, watchers, keys, clock), clock);
        new RunnerRoutes(store, auth, claims, watchers, output, keys, settings, pauses, continuations, clock, metrics,
                scheduler::jobEnded).register(router);
        new NamespaceRoutes(store, auth, clock).register(router);
        new ManagementRoutes(store, auth, claims, pauses, clock).register(router);
        new JobRoutes(store, auth, claims, watchers, output, keys, continuations, clock, scheduler::wake)
                .register(router);
        GitRepositories git = new GitRepositories(dataDir.resolve("repositories"));
        new GitMirrorMount(store, auth, git).register(router);
        PipelineTriggers triggers = new PipelineTriggers(store, git, pipelineSettings, scheduler::wake, clock);
        // before the pipeline routes: GET .../{slug}/envvar/{name} has the segment count of .../{vcs}/{org}/{repo}
        new ContextRoutes(store, auth, clock).register(router);
        new TestResultRoutes(store, auth, keys, clock).register(router); // before PipelineRoutes (its comment)
        // after the context routes, before the pipeline routes: .../{slug}/{job-number}/artifacts too
        BlobStore blobStore = new FileBlobStore(dataDir.resolve("blobs"), BLOB_DISK_RESERVE);
        BlobSweeper sweeper = new BlobSweeper(store, blobStore, BlobRetention.DEFAULT, clock);
        new BlobRoutes(store, auth, blobStore, sweeper, clock).register(router);
        new PipelineRoutes(store, auth, triggers,
                new WorkflowActions(store, jobQueue(store, claims, watchers, keys, clock), scheduler::wake, clock), git,
                clock).register(router);
        new WebhookRoutes(store, auth, triggers, clock).register(router);
        new TriggerRoutes(store, auth, triggers, clock).register(router);
        TimedTriggers timed = new TimedTriggers(new ProjectPoller(store, git, triggers, clock),
                new ScheduleRunner(store, triggers, clock));

        // routes never wait for a client (bodies are read asynchronously, claims wait without a thread) and the
        // store is one serialised connection: a small pool does, and keeps memory down with many held claims
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("runway-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // CircleCI's API v2 clients send project slugs URL-escaped (gh%2Forg%2Frepo): the router keeps an escaped
        // slash inside its path segment
        http.setUriCompliance(UriCompliance.DEFAULT.with("runway", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        // a request body (a blob upload) comes in pieces of this size: 8 KiB, Jetty's default, cost a read and a
        // hand-over to the reading thread per 8 KiB; the pool keeps buffers of this size and a connection gives its
        // buffer back whenever it has read all that arrived
        http11.setInputBufferSize(INPUT_BUFFER);
        ServerConnector connector;
        if (tls == null) {
            connector = new ServerConnector(jetty, 1, 1, http11);
        } else {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // reached by IP address as often as by name
            http.addCustomizer(secure);
            connector = new ServerConnector(jetty, 1, 1, new SslConnectionFactory(tls.factory(),
                    HttpVersion.HTTP_1_1.asString()), http11);
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        // a held claim must outlive its wait; a connection gets this long only once it authenticated
        long authenticatedIdle = settings.maxClaimWait().toMillis() + 30_000;
        connector.setIdleTimeout(authenticatedIdle);
        ConnectionLimits limits = settings.limits();
        AuthenticationDeadline deadline = new AuthenticationDeadline(jetty.getScheduler(),
                limits.authenticationTimeout().toMillis(), authenticatedIdle);
        connector.addBean(deadline);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        DashboardMount dashboard = new DashboardMount(deadline);
        Transfers transfers = new Transfers();
        jetty.addBean(transfers);
        jetty.setHandler(new ApiHandler(router, auth, deadline, new RateLimiter(limits.callsPerMinute()), clock,
                dashboard, metrics, transfers));
        jetty.setStopTimeout(5_000);
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(daemonThreads("runway-lease"));
        try {
            jetty.start();
        } catch (Exception e) {
            scheduler.close();
            timed.close();
            store.close();
            continuations.shutdownNow();
            reaper.shutdownNow();
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        long period = Math.max(100, Math.min(1000, settings.lease().toMillis() / 4));
        LeaseReaper leases = new LeaseReaper(store, claims, watchers, settings.maxRequeues(), clock,
                metrics, scheduler::wake);
        // one replica per period looks for lapsed leases
        reaper.scheduleWithFixedDelay(() -> {
            try {
                store.oncePerTick("lease-reaper", clock.millis() / period, leases);
            } catch (RuntimeException e) {
                LOG.error("lease check failed; retrying on the next round", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        // a checkout credential opens nothing once its task has ended; its row is kept an hour for the 410 it explains
        long minute = TimeUnit.MINUTES.toMillis(1);
        reaper.scheduleWithFixedDelay(() -> {
            try {
                store.oncePerTick("checkout-credentials", clock.millis() / minute, () -> store.tasks()
                        .pruneCheckoutCredentials(clock.millis() - TimeUnit.HOURS.toMillis(1)));
            } catch (RuntimeException e) {
                LOG.warn("cannot prune ended tasks' checkout credentials; retrying in a minute", e);
            }
        }, minute, minute, TimeUnit.MILLISECONDS);
        scheduler.start(pipelineSettings.tick());
        timed.start(TRIGGER_TICK);
        long sweep = BlobRetention.DEFAULT.sweepInterval().toMillis();
        reaper.scheduleWithFixedDelay(sweeper, sweep, sweep, TimeUnit.MILLISECONDS);
        if (tls != null) {
            long check = settings.tls().reloadCheck().toMillis();
            reaper.scheduleWithFixedDelay(tls::reloadIfChanged, check, check, TimeUnit.MILLISECONDS);
        } else if (!LoopbackHosts.isLoopback(settings.host())) {
            LOG.warn("serving plain HTTP on {}, which is not a loopback address: tokens and job secrets cross the "
                    + "network in clear text; give --tls-cert and --tls-key, or put a TLS proxy in front",
                    settings.host());
        }
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        URI uri = URI.create((tls == null ? "http://" : "https://") + host + ":" + connector.getLocalPort());
        // the dashboard reads this server's API on loopback (a wildcard address is reached there too)
        dashboard.start(new Dashboard(new DashboardSettings(URI.create((tls == null ? "http://" : "https://")
                + apiHost(settings.host()) + ":" + connector.getLocalPort()), settings.maxClaimWait()
                .plusMillis(RunnerVisits.PRECISION_MILLIS).plusSeconds(5), tls == null ? null : tls::served)));
        Path tokenFile = dataDir.resolve(AdminToken.FILE_NAME);
        LOG.info("runway server listening on {}; data in {}; store {}; admin token in {}", uri, dataDir,
                settings.database().describe(dataDir), tokenFile);
        return new RunwayServer(jetty, store, claims, watchers, reaper, continuations, adminToken, tokenFile, uri,
                router.describe(), scheduler, triggers, timed, dashboard, pauses);
    }

    /** The host the dashboard calls the API at: the listening address, or loopback for a wildcard one. */
    private static String apiHost(String host) {
        if (host.isEmpty() || host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "[::1]";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** This build's version: the module's (set by the build), else the jar's, else "unknown". */
    static String version() {
        Module module = RunwayServer.class.getModule();
        if (module.getDescriptor() != null && module.getDescriptor().rawVersion().isPresent()) {
            return module.getDescriptor().rawVersion().get();
        }
        String implementation = RunwayServer.class.getPackage().getImplementationVersion();
        return implementation != null ? implementation : "unknown";
    }

    private static void createPrivateDirectory(Path dir) {
        try {
            PrivateFiles.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
    }

    /**
     * Seals with the current key every stored secret that is not yet: in plain text (stored by an earlier release)
     * or sealed with the previous key (a rotation). Then the key file is kept, the previous one dropped, and the
     * database file rewritten so that no page of it still holds what was replaced.
     */
    private static void sealStoredSecrets(Store store, SecretsKeys keys) {
        int sealed;
        int values;
        try {
            sealed = store.jobs().resealSecrets(keys.currentId(),
                    definition -> StoredJob.fromJson(definition).sealedAgain(keys).toJson());
            sealed += store.testResults().resealSshKeys(key -> !SecretsKeys.keyIdOf(key).equals(keys.currentId()),
                    key -> keys.seal(keys.open(key))); // project SSH keys (add_ssh_keys)
            values = store.resealSecretValues();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot open the stored secrets (job secrets, webhook secrets, context and"
                    + " project variables): " + e.getMessage() + "; give the key they were sealed with as "
                    + DataProtection.PREVIOUS_KEY_VARIABLE + " or in the key file's " + SecretsKeys.PREVIOUS_SUFFIX
                    + " file", e);
        }
        keys.keep();
        if (sealed > 0 || values > 0) {
            store.compact();
            LOG.info("sealed the secrets of {} stored job(s) and SSH key(s) and {} secret value(s) (webhook secrets,"
                    + " variables) with the current key ({}){}", sealed, values, keys.currentOrigin(),
                    keys.previousOrigin().map(previous -> "; the previous key (" + previous + ") is no longer needed")
                            .orElse(""));
        }
    }

    /**
     * Rotates the key file that seals job secrets (see {@link SecretsKeys#rotate}); answers the file that keeps the
     * previous key until the server's next start has sealed every secret with the new one. A key given in the
     * environment is rotated there instead: refused.
     */
    public static Path rotateSecretsKey(ServerSettings settings) {
        DataProtection protection = settings.protection();
        if (protection.secretsKey() != null) {
            throw new IllegalStateException("the secrets key comes from " + DataProtection.KEY_VARIABLE + ": rotate "
                    + "it there (start the server once with the new key in " + DataProtection.KEY_VARIABLE
                    + " and the old one in " + DataProtection.PREVIOUS_KEY_VARIABLE + ")");
        }
        return SecretsKeys.rotate(protection.keyFile(settings.dataDir()));
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Base URL, e.g. {@code http://127.0.0.1:7733}. */
    public URI uri() {
        return uri;
    }

    public int port() {
        return uri.getPort();
    }

    /** The admin token (management and jobs). */
    public String adminToken() {
        return adminToken;
    }

    public Path adminTokenFile() {
        return adminTokenFile;
    }

    /** Every route as "METHOD /api/v3/path/{param}". */
    public List<String> routes() {
        return routes;
    }

    /**
     * Triggers a pipeline of the project (slug or id) in this process, as the API does; answers the pipeline's id.
     * Bad requests throw {@link IllegalArgumentException} (see {@link PipelineTriggers#trigger}).
     */
    public String triggerPipeline(String project, TriggerRequest request) {
        return triggers.trigger(store.pipelines().project(project).orElseThrow(() -> new IllegalArgumentException(
                "no project " + project)), request).id();
    }

    /** The store, for tests that take the database away under a running server. */
    Store store() {
        return store;
    }

    /** Whether claims of the class get no task here (an operator paused its dispatch, through any replica). */
    public boolean dispatchPaused(String resourceClassId) {
        return pauses.paused(resourceClassId);
    }

    /** Claims held right now (long-polls waiting for work). */
    public int waitingClaims() {
        return claims.waitingCount();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Ends held claims (204) and follows, stops serving, closes the store. */
    @Override
    public void close() {
        timed.close();
        scheduler.close();
        claims.close();
        watchers.close();
        dashboard.close();
        // no interrupt while a round writes: an interrupt during a store write closes H2's file channel for good
        reaper.shutdown();
        try {
            if (!reaper.awaitTermination(10, TimeUnit.SECONDS)) {
                reaper.shutdownNow();
            }
        } catch (InterruptedException e) {
            reaper.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        continuations.shutdownNow();
        store.close();
        LOG.info("runway server stopped");
    }
}
