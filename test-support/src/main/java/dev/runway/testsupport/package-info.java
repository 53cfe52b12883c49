/**
 * Fixtures shared by the tests of several modules: each drives real parts (a server on loopback, real processes,
 * real files) and cleans up after itself.
 */
package dev.runway.testsupport;
