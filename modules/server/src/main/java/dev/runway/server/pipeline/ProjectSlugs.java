package dev.runway.server.pipeline;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * CircleCI's project slugs: {@code gh/ORG/REPO} (also written {@code github/...}), {@code bb/ORG/REPO}
 * ({@code bitbucket/...}), {@code gl/ORG/REPO} ({@code gitlab/...}) and {@code circleci/ORG-ID/PROJECT-ID}. A project
 * is stored under the short form; a slug as a client sends it (URL-escaped or not, long or short) is normalised.
 */
public final class ProjectSlugs {
    private ProjectSlugs() {}

    /** The slug of a new project in a namespace of organization {@code orgId} ({@code vcs/org}, or any id). */
    public static String of(String orgId, String name, String projectId) {
        int slash = orgId.indexOf('/');
        String vcs = slash < 0 ? "" : shortVcs(orgId.substring(0, slash));
        String org = slash < 0 ? orgId : orgId.substring(slash + 1);
        if (vcs.equals("gh") || vcs.equals("bb") || vcs.equals("gl")) {
            return vcs + "/" + org + "/" + name;
        }
        return "circleci/" + org + "/" + projectId;
    }

    /** A slug as sent: URL-decoded, the long VCS names shortened. */
    public static String normalise(String slug) {
        String decoded = URLDecoder.decode(slug, StandardCharsets.UTF_8);
        int slash = decoded.indexOf('/');
        if (slash < 0) {
            return decoded;
        }
        return shortVcs(decoded.substring(0, slash)) + decoded.substring(slash);
    }

    private static String shortVcs(String vcs) {
        return switch (vcs.toLowerCase(Locale.ROOT)) {
            case "github", "gh" -> "gh";
            case "bitbucket", "bb" -> "bb";
            case "gitlab", "gl" -> "gl";
            default -> vcs.toLowerCase(Locale.ROOT);
        };
    }

    /** CircleCI's provider name for the slug's VCS (GitHub, Bitbucket, GitLab, CircleCI). */
    public static String provider(String slug) {
        if (slug.startsWith("gh/")) {
            return "GitHub";
        }
        if (slug.startsWith("bb/")) {
            return "Bitbucket";
        }
        if (slug.startsWith("gl/")) {
            return "GitLab";
        }
        return "CircleCI";
    }

    /** A repository's name from its URL or path: the last part, without {@code .git}. */
    public static String repositoryName(String url) {
        String trimmed = url.replaceAll("[/\\\\]+$", "");
        int cut = Math.max(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')), trimmed.lastIndexOf('\\'));
        String last = trimmed.substring(cut + 1);
        return last.endsWith(".git") ? last.substring(0, last.length() - 4) : last;
    }
}
