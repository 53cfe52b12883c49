package dev.runway.dashboard;

import static dev.runway.dashboard.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow's jobs as an SVG graph: a column per depth (a job sits right of everything it requires), requires as
 * edges, the status as the node's class (colour) and as text, and matrix jobs (same requires, same name before the
 * first '-', same column) inside one labelled box.
 */
final class JobGraph {
    static final int NODE_W = 190;
    static final int NODE_H = 34;
    static final int COL_GAP = 56;
    static final int ROW_GAP = 12;
    static final int GROUP_PAD = 8;
    static final int LABEL_H = 18;

    private JobGraph() {}

    /** A node placed: its job, top-left corner, and the matrix group it belongs to (or null). */
    private record Placed(JsonNode job, int x, int y) {}

    static String svg(String workflowName, String slug, List<JsonNode> jobs) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        jobs.forEach(job -> byId.put(job.path("id").asText(), job));
        Map<String, Integer> depth = new HashMap<>();
        jobs.forEach(job -> depth(job.path("id").asText(), byId, depth, 0));
        int columns = depth.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<List<JsonNode>> byColumn = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            byColumn.add(new ArrayList<>());
        }
        jobs.forEach(job -> byColumn.get(depth.get(job.path("id").asText())).add(job));
        Map<String, Placed> placed = new HashMap<>();
        StringBuilder groups = new StringBuilder();
        int height = 0;
        for (int c = 0; c < columns; c++) {
            // jobs of one matrix next to each other, in their first appearance's order
            Map<String, List<JsonNode>> grouped = new LinkedHashMap<>();
            byColumn.get(c).forEach(job -> grouped.computeIfAbsent(groupKey(job), k -> new ArrayList<>()).add(job));
            int x = GROUP_PAD + c * (NODE_W + COL_GAP + 2 * GROUP_PAD);
            int y = GROUP_PAD;
            for (Map.Entry<String, List<JsonNode>> group : grouped.entrySet()) {
                boolean matrix = group.getValue().size() > 1;
                int top = y;
                if (matrix) {
                    y += LABEL_H;
                }
                for (JsonNode job : group.getValue()) {
                    placed.put(job.path("id").asText(), new Placed(job, x, y));
                    y += NODE_H + ROW_GAP;
                }
                if (matrix) {
                    String label = group.getKey().substring(group.getKey().indexOf('|') + 1);
                    groups.append("<g class=\"matrix\"><rect x=\"").append(x - GROUP_PAD).append("\" y=\"")
                            .append(top - GROUP_PAD / 2).append("\" width=\"").append(NODE_W + 2 * GROUP_PAD)
                            .append("\" height=\"").append(y - top).append("\" rx=\"8\"/><text x=\"").append(x)
                            .append("\" y=\"").append(top + LABEL_H - 6).append("\">").append(esc(label))
                            .append(" (matrix, ").append(group.getValue().size()).append(")</text></g>");
                    y += GROUP_PAD;
                }
            }
            height = Math.max(height, y);
        }
        int width = Math.max(1, columns) * (NODE_W + COL_GAP + 2 * GROUP_PAD);
        StringBuilder svg = new StringBuilder(1024 + jobs.size() * 400);
        String titleId = "g-" + Integer.toHexString(System.identityHashCode(jobs));
        svg.append("<div class=\"graph\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-labelledby=\"")
                .append(titleId).append("\" width=\"").append(width).append("\" height=\"").append(height + GROUP_PAD)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height + GROUP_PAD).append("\"><title id=\"")
                .append(titleId).append("\">Job graph of workflow ").append(esc(workflowName)).append("</title>")
                .append(groups);
        for (Placed to : placed.values()) {
            for (JsonNode dependency : to.job().path("dependencies")) {
                Placed from = placed.get(dependency.asText());
                if (from != null) {
                    int x1 = from.x() + NODE_W;
                    int y1 = from.y() + NODE_H / 2;
                    int x2 = to.x();
                    int y2 = to.y() + NODE_H / 2;
                    int mid = (x1 + x2) / 2;
                    svg.append("<path class=\"edge\" d=\"M").append(x1).append(' ').append(y1).append(" C").append(mid)
                            .append(' ').append(y1).append(' ').append(mid).append(' ').append(y2).append(' ')
                            .append(x2).append(' ').append(y2).append("\"/>");
                }
            }
        }
        for (JsonNode job : jobs) {
            Placed node = placed.get(job.path("id").asText());
            String status = job.path("status").asText();
            String cls = "node n-" + status.replaceAll("[^a-z_]", "");
            String href = href(slug, job);
            svg.append(href == null ? "<g" : "<a href=\"" + esc(href) + "\"").append(" class=\"").append(cls)
                    .append("\" data-job=\"").append(esc(job.path("name").asText())).append("\"><title>")
                    .append(esc(job.path("name").asText())).append(": ").append(esc(status.replace('_', ' ')))
                    .append("</title><rect x=\"").append(node.x()).append("\" y=\"").append(node.y())
                    .append("\" width=\"").append(NODE_W).append("\" height=\"").append(NODE_H)
                    .append("\" rx=\"6\"/><text x=\"").append(node.x() + 10).append("\" y=\"").append(node.y() + 15)
                    .append("\" class=\"name\">").append(esc(clip(job.path("name").asText(), 24)))
                    .append("</text><text x=\"").append(node.x() + 10).append("\" y=\"").append(node.y() + 28)
                    .append("\" class=\"state\">").append(esc(status.replace('_', ' '))).append("</text>")
                    .append(href == null ? "</g>" : "</a>");
        }
        return svg.append("</svg></div>").toString();
    }

    /** The job page of a build job that has run or runs (it has a number); approvals and unstarted jobs have none. */
    static String href(String slug, JsonNode job) {
        if (!job.hasNonNull("job_number") || !job.path("type").asText().equals("build")) {
            return null;
        }
        return "/ui/jobs/" + slug + "/" + job.path("job_number").asLong();
    }

    static String jobLink(String slug, JsonNode job) {
        String href = href(slug, job);
        String name = esc(job.path("name").asText());
        return href == null ? name : "<a href=\"" + esc(href) + "\">" + name + "</a>";
    }

    /** Jobs of one matrix: the same requires and the same name up to the first '-'. */
    private static String groupKey(JsonNode job) {
        String name = job.path("name").asText();
        int dash = name.indexOf('-');
        if (dash <= 0) {
            return job.path("id").asText() + "|" + name;
        }
        return job.path("dependencies").toString() + "|" + name.substring(0, dash);
    }

    private static int depth(String id, Map<String, JsonNode> byId, Map<String, Integer> depth, int guard) {
        Integer known = depth.get(id);
        if (known != null) {
            return known;
        }
        JsonNode job = byId.get(id);
        int d = 0;
        if (job != null && guard < byId.size()) { // the compiler refuses cycles; the guard keeps a bad answer finite
            for (JsonNode dependency : job.path("dependencies")) {
                if (byId.containsKey(dependency.asText())) {
                    d = Math.max(d, 1 + depth(dependency.asText(), byId, depth, guard + 1));
                }
            }
        }
        depth.put(id, d);
        return d;
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
