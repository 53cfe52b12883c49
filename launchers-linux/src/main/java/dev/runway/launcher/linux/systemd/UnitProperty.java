package dev.runway.launcher.linux.systemd;

import java.util.List;

/** One (name, variant) entry of StartTransientUnit's a(sv) properties; types as systemd's D-Bus API declares them. */
record UnitProperty(String name, String signature, SystemdBus.ArgumentWriter value) {
    static UnitProperty string(String name, String value) {
        return new UnitProperty(name, "s", out -> out.string(value));
    }

    static UnitProperty bool(String name, boolean value) {
        return new UnitProperty(name, "b", out -> out.bool(value));
    }

    static UnitProperty int32(String name, int value) {
        return new UnitProperty(name, "i", out -> out.int32(value));
    }

    static UnitProperty uint64(String name, long value) {
        return new UnitProperty(name, "t", out -> out.uint64(value));
    }

    static UnitProperty strings(String name, List<String> values) {
        return new UnitProperty(name, "as", out -> out.strings(values));
    }

    /** A file descriptor property (type h); sd-bus duplicates the fd into the message. */
    static UnitProperty fd(String name, int fd) {
        return new UnitProperty(name, "h", out -> out.fd(fd));
    }

    /** ExecStart=, a(sasb): one command (binary path, argv, do-not-ignore-failure). */
    static UnitProperty execStart(List<String> argv) {
        return new UnitProperty("ExecStart", "a(sasb)", out -> {
            out.open('a', "(sasb)").open('r', "sasb");
            out.string(argv.get(0)).strings(argv).bool(false);
            out.close().close();
        });
    }

    void write(SystemdBus.Out out) throws BusException {
        out.open('r', "sv").string(name).open('v', signature);
        value.write(out);
        out.close().close();
    }
}
