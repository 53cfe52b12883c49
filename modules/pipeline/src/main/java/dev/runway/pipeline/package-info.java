/**
 * The pipeline compiler's public API: {@link dev.runway.pipeline.PipelineCompiler} turns a {@code .circleci/config.yml}
 * with {@link dev.runway.pipeline.PipelineValues} and an {@link dev.runway.pipeline.OrbSource} into a
 * {@link dev.runway.pipeline.CompiledPipeline} or a list of {@link dev.runway.pipeline.Problem}s.
 */
package dev.runway.pipeline;
