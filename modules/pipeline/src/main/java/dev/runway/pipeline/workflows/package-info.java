/**
 * Workflows: job invocations with their final names, matrix expansion, requires edges with statuses (checked for
 * unknown names and cycles), filters, contexts, approval jobs, conditions and triggers.
 */
package dev.runway.pipeline.workflows;
