/**
 * Expansion of jobs: parameters bound and substituted, the executor resolved and merged, and every step expanded
 * (commands inlined, conditional steps decided, built-in steps checked and put in their processed form).
 */
package dev.runway.pipeline.expand;
