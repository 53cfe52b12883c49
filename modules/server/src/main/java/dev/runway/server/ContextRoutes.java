package dev.runway.server;

import dev.runway.protocol.ContextsApi;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.PipelinesApi.Page;
import dev.runway.server.store.Context;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Variable;
import java.time.Clock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CircleCI API v2's contexts and project variables, admin token. Values go in and never come out: context variables
 * are listed by name, project variables masked as CircleCI masks them; logs name variables, never values.
 */
final class ContextRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ContextRoutes.class);
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_VALUE = 32 * 1024;
    private final Store store;
    private final Auth auth;
    private final Clock clock;

    ContextRoutes(Store store, Auth auth, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("POST", ContextsApi.CONTEXTS, this::createContext)
                .sync("GET", ContextsApi.CONTEXTS, this::listContexts)
                .sync("GET", ContextsApi.context("{context-id}"), this::showContext)
                .sync("DELETE", ContextsApi.context("{context-id}"), this::deleteContext)
                .sync("GET", ContextsApi.contextVariables("{context-id}"), this::listContextVariables)
                .sync("PUT", ContextsApi.contextVariables("{context-id}") + "/{env-var-name}", this::setContextVariable)
                .sync("DELETE", ContextsApi.contextVariables("{context-id}") + "/{env-var-name}",
                        this::deleteContextVariable);
        for (String slug : PipelineRoutes.SLUG_SPELLINGS) {
            String envvar = ContextsApi.projectVariables(slug);
            router.sync("GET", envvar, this::listProjectVariables)
                    .sync("POST", envvar, this::setProjectVariable)
                    .sync("GET", envvar + "/{name}", this::showProjectVariable)
                    .sync("DELETE", envvar + "/{name}", this::deleteProjectVariable);
        }
    }

    /** CircleCI's mask: {@code xxxx} and the value's last 4 characters (all of it masked when shorter). */
    static String mask(String value) {
        return "xxxx" + (value.length() > 4 ? value.substring(value.length() - 4) : "");
    }

    private Reply createContext(Exchange exchange) {
        auth.requireAdmin(exchange);
        ContextsApi.ContextCreate body = exchange.json(ContextsApi.ContextCreate.class, Limits.JSON_BODY);
        if (body.name() == null || !CONTEXT.matcher(body.name()).matches()) {
            throw ApiError.badRequest("name: must be 1 to 100 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit");
        }
        Context context = store.variables().createContext(body.name(), clock.millis());
        LOG.info("context {} created ({})", context.name(), context.id());
        return Reply.ok(view(context));
    }

    private Reply listContexts(Exchange exchange) {
        auth.requireAdmin(exchange);
        return Reply.ok(new Page<>(store.variables().contexts().stream().map(ContextRoutes::view).toList(), null));
    }

    private Context contextOf(Exchange exchange) {
        return store.variables().context(exchange.path("context-id"))
                .orElseThrow(() -> ApiError.notFound("Context not found"));
    }

    private Reply showContext(Exchange exchange) {
        auth.requireAdmin(exchange);
        return Reply.ok(view(contextOf(exchange)));
    }

    private Reply deleteContext(Exchange exchange) {
        auth.requireAdmin(exchange);
        Context context = contextOf(exchange);
        store.variables().deleteContext(context.id());
        LOG.info("context {} deleted", context.name());
        return Reply.ok(new PipelinesApi.Message("Context deleted."));
    }

    private Reply listContextVariables(Exchange exchange) {
        auth.requireAdmin(exchange);
        Context context = contextOf(exchange);
        return Reply.ok(new Page<>(store.variables().contextVariables(context.id()).stream()
                .map(variable -> view(variable, context)).toList(), null));
    }

    private Reply setContextVariable(Exchange exchange) {
        auth.requireAdmin(exchange);
        Context context = contextOf(exchange);
        String name = variableName(exchange.path("env-var-name"));
        String value = value(exchange.json(ContextsApi.VariableValue.class, Limits.JSON_BODY).value());
        Variable variable = store.variables().setContextVariable(context.id(), name, value, clock.millis());
        LOG.info("context {}: variable {} set", context.name(), name);
        return Reply.ok(view(variable, context));
    }

    private Reply deleteContextVariable(Exchange exchange) {
        auth.requireAdmin(exchange);
        Context context = contextOf(exchange);
        String name = exchange.path("env-var-name");
        if (!store.variables().deleteContextVariable(context.id(), name)) {
            throw ApiError.notFound("Environment variable not found");
        }
        LOG.info("context {}: variable {} deleted", context.name(), name);
        return Reply.ok(new PipelinesApi.Message("Environment variable deleted."));
    }

    private Reply listProjectVariables(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.slugProject(store, exchange);
        return Reply.ok(new Page<>(store.variables().projectVariables(project.id()).stream()
                .map(ContextRoutes::view).toList(), null));
    }

    private Reply setProjectVariable(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.slugProject(store, exchange);
        ContextsApi.ProjectVariableCreate body = exchange.json(ContextsApi.ProjectVariableCreate.class,
                Limits.JSON_BODY);
        String name = variableName(body.name());
        Variable variable = store.variables().setProjectVariable(project.id(), name, value(body.value()),
                clock.millis());
        LOG.info("project {}: variable {} set", project.slug(), name);
        return Reply.json(201, view(variable));
    }

    private Variable projectVariable(Project project, String name) {
        return store.variables().projectVariables(project.id()).stream()
                .filter(variable -> variable.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound("Environment variable not found"));
    }

    private Reply showProjectVariable(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.slugProject(store, exchange);
        return Reply.ok(view(projectVariable(project, exchange.path("name"))));
    }

    private Reply deleteProjectVariable(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.slugProject(store, exchange);
        if (!store.variables().deleteProjectVariable(project.id(), exchange.path("name"))) {
            throw ApiError.notFound("Environment variable not found");
        }
        LOG.info("project {}: variable {} deleted", project.slug(), exchange.path("name"));
        return Reply.ok(new PipelinesApi.Message("Environment variable deleted."));
    }

    private static String variableName(String name) {
        if (name == null || !VARIABLE.matcher(name).matches()) {
            throw ApiError.badRequest("name: must be a variable name (letters, digits and '_', not starting with a"
                    + " digit, at most 256 characters)");
        }
        return name;
    }

    private static String value(String value) {
        if (value == null) {
            throw ApiError.badRequest("value: is required");
        }
        if (value.length() > MAX_VALUE) {
            throw ApiError.badRequest("value: at most " + MAX_VALUE + " characters");
        }
        return value;
    }

    private static ContextsApi.Context view(Context context) {
        return new ContextsApi.Context(context.id(), context.name(), Times.iso(context.createdAt()));
    }

    private static ContextsApi.ContextVariable view(Variable variable, Context context) {
        return new ContextsApi.ContextVariable(variable.name(), Times.iso(variable.createdAt()),
                Times.iso(variable.updatedAt()), context.id());
    }

    private static ContextsApi.ProjectVariable view(Variable variable) {
        return new ContextsApi.ProjectVariable(variable.name(), mask(variable.value()),
                Times.iso(variable.createdAt()));
    }
}
