/**
 * The durable state of the control plane as the server sees it: {@link dev.runway.server.store.Store}, one repository
 * per aggregate and the records they answer. No engine appears here: an engine implements these interfaces.
 */
package dev.runway.server.store;
