/**
 * Pipelines: reading a project's config at a revision from its git repository, triggering and compiling pipelines,
 * and driving each workflow's job graph onto the job queue, with CircleCI's status names. All state is in the store.
 */
package dev.runway.server.pipeline;
