package dev.runway.launcher.tracking;

import java.util.Collection;

/**
 * Sends a signal to processes. Implementations must re-check each target's identity (pid and start time) right before
 * signalling it, so that a process that died and whose pid was recycled since the snapshot is left alone.
 */
public interface Signaller {
    void send(Signal signal, Collection<ProcessInfo> targets);
}
