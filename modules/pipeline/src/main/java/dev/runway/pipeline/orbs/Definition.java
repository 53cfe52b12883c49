package dev.runway.pipeline.orbs;

import dev.runway.pipeline.yaml.Node;

/** A named command, job or executor as written, with the scope its own references resolve in. */
public record Definition(String name, Node.Mapping body, Scope scope) {}
