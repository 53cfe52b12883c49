/**
 * Logic statements ({@code and}, {@code or}, {@code not}, {@code equal}, {@code matches}), expression conditions
 * ({@code pipeline.git.branch == "main"}) and bounded regular-expression matching, all evaluated at compile time.
 */
package dev.runway.pipeline.logic;
