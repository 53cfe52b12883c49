package dev.runway.server.store;

/** A git repository in a namespace; {@code slug} is CircleCI's project slug ({@code gh/ORG/REPO}, ...). */
public record Project(String id, String slug, String name, String namespace, String repositoryUrl,
        String defaultBranch, long createdAt) {}
