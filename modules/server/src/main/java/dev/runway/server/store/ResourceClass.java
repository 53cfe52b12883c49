package dev.runway.server.store;

/** A kind of machine runners claim for. */
public record ResourceClass(String id, String namespace, String name, String description, long createdAt) {
    public String fullName() {
        return namespace + "/" + name;
    }
}
