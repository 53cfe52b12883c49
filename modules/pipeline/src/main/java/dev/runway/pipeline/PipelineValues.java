package dev.runway.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a pipeline is compiled with: CircleCI's pipeline values ({@code pipeline.git.branch}, ...) by name
 * without the {@code pipeline.} prefix, and the pipeline parameters given by the trigger. A documented value not
 * given is the empty string.
 */
public record PipelineValues(Map<String, Object> values, Map<String, Object> parameters) {
    /** The pipeline values CircleCI documents; {@code trigger_parameters.*} and {@code event.*} are open-ended. */
    public static final List<String> KNOWN = List.of("id", "number", "project.git_url", "project.type",
            "git.tag", "git.branch", "git.branch.is_default", "git.revision", "git.base_revision", "git.repo_id",
            "git.repo_url", "git.repo_name", "git.repo_owner", "git.commit.subject", "git.commit.body",
            "git.commit.author_login", "git.commit.author_name", "git.commit.author_email",
            "git.commit.author_avatar_url", "git.commit.url", "in_setup", "trigger_source", "schedule.name",
            "schedule.id", "trigger.type", "trigger.name", "event.name", "event.action", "deploy.component_name",
            "deploy.environment_name");
    private static final List<String> OPEN_PREFIXES = List.of("trigger_parameters.", "event.", "deploy.");

    public PipelineValues {
        values = Map.copyOf(values);
        parameters = Map.copyOf(parameters);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when {@code name} (without {@code pipeline.}) is a pipeline value CircleCI defines. */
    public static boolean isKnown(String name) {
        return KNOWN.contains(name) || OPEN_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The value of {@code name}, the empty string for a known value not given, null for an unknown name. */
    public Object value(String name) {
        Object value = values.get(name);
        if (value != null) {
            return value;
        }
        return isKnown(name) ? "" : null;
    }

    public String branch() {
        return String.valueOf(value("git.branch"));
    }

    public String tag() {
        return String.valueOf(value("git.tag"));
    }

    /** Builds {@link PipelineValues}; every setter is optional. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Object> parameters = new LinkedHashMap<>();

        public Builder value(String name, Object value) {
            if (value != null) {
                values.put(name, value);
            }
            return this;
        }

        public Builder branch(String branch) {
            return value("git.branch", branch);
        }

        public Builder tag(String tag) {
            return value("git.tag", tag);
        }

        public Builder revision(String revision) {
            return value("git.revision", revision);
        }

        public Builder baseRevision(String revision) {
            return value("git.base_revision", revision);
        }

        public Builder id(String id) {
            return value("id", id);
        }

        public Builder number(long number) {
            return value("number", number);
        }

        public Builder projectGitUrl(String url) {
            return value("project.git_url", url);
        }

        public Builder projectType(String type) {
            return value("project.type", type);
        }

        public Builder triggerSource(String source) {
            return value("trigger_source", source);
        }

        public Builder scheduleName(String name) {
            return value("schedule.name", name);
        }

        /** A pipeline parameter: a String (as typed on a command line, converted to the declared type) or a value. */
        public Builder parameter(String name, Object value) {
            parameters.put(name, value);
            return this;
        }

        public PipelineValues build() {
            return new PipelineValues(values, parameters);
        }
    }
}
