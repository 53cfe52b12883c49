package dev.runway.launcher.tracking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Passes signals on to a real signaller and remembers what was sent to whom. */
public final class RecordingSignaller implements Signaller {
    public record Sent(Signal signal, ProcessId target) {}

    private final Signaller delegate;
    private final List<Sent> sent = new ArrayList<>();

    public RecordingSignaller(Signaller delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void send(Signal signal, Collection<ProcessInfo> targets) {
        targets.forEach(t -> sent.add(new Sent(signal, t.id())));
        delegate.send(signal, targets);
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }
}
