/**
 * Parameter declarations of jobs, commands, executors and the pipeline, the type checks of their arguments, and
 * {@code << ... >>} substitution (whole values, values inside strings, and boolean sections).
 */
package dev.runway.pipeline.parameters;
