package dev.runway.launcher.linux.systemd;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.runway.launcher.linux.jna.LibC;
import dev.runway.launcher.linux.jna.LibSystemd;
import java.nio.charset.StandardCharsets;

/**
 * One sd-bus client connection to a D-Bus address, with blocking method calls. sd-bus objects are not thread-safe,
 * so every call holds this object's lock.
 */
final class SystemdBus implements AutoCloseable {
    private static final long DEFAULT_TIMEOUT = 0; // sd-bus default (25 s)
    private static final int ERROR_SIZE = 2 * Native.POINTER_SIZE + 8; // struct sd_bus_error {name, message, int}

    private final LibSystemd sd;
    private final String address;
    private Pointer bus;

    private SystemdBus(LibSystemd sd, String address, Pointer bus) {
        this.sd = sd;
        this.address = address;
        this.bus = bus;
    }

    /** Connects to {@code address} (D-Bus syntax, e.g. unix:path=/run/dbus/system_bus_socket). */
    static SystemdBus open(String address) throws BusException {
        LibSystemd sd;
        try {
            sd = LibSystemd.load();
        } catch (UnsatisfiedLinkError e) {
            throw new BusException("libsystemd.so.0 cannot be loaded: " + e.getMessage(), null);
        }
        PointerByReference ref = new PointerByReference();
        check(sd.sd_bus_new(ref), "sd_bus_new");
        Pointer bus = ref.getValue();
        try {
            check(sd.sd_bus_set_address(bus, address), "sd_bus_set_address(" + address + ")");
            check(sd.sd_bus_set_bus_client(bus, 1), "sd_bus_set_bus_client");
            check(sd.sd_bus_start(bus), "connecting to D-Bus at " + address);
        } catch (BusException e) {
            sd.sd_bus_flush_close_unref(bus);
            throw e;
        }
        return new SystemdBus(sd, address, bus);
    }

    String address() {
        return address;
    }

    /** Calls {@code member} on a systemd object and reads the reply while the message is alive. */
    synchronized <T> T call(String path, String iface, String member, ArgumentWriter arguments, ReplyReader<T> reader)
            throws BusException {
        if (bus == null) {
            throw new BusException("D-Bus connection to " + address + " is closed", null);
        }
        PointerByReference messageRef = new PointerByReference();
        check(sd.sd_bus_message_new_method_call(bus, messageRef, SystemdManager.DESTINATION, path, iface, member),
                "building " + member);
        Pointer message = messageRef.getValue();
        Memory error = new Memory(ERROR_SIZE);
        error.clear();
        try {
            arguments.write(new Out(message, member));
            PointerByReference replyRef = new PointerByReference();
            int result = sd.sd_bus_call(bus, message, DEFAULT_TIMEOUT, error, replyRef);
            if (result < 0) {
                String name = string(error.getPointer(0));
                String text = string(error.getPointer(Native.POINTER_SIZE));
                throw new BusException(member + " failed: " + (text != null ? text : strerror(result)), name);
            }
            Pointer reply = replyRef.getValue();
            try {
                return reader.read(new In(reply, member));
            } finally {
                sd.sd_bus_message_unref(reply);
            }
        } finally {
            sd.sd_bus_error_free(error);
            sd.sd_bus_message_unref(message);
        }
    }

    @Override
    public synchronized void close() {
        if (bus != null) {
            sd.sd_bus_flush_close_unref(bus);
            bus = null;
        }
    }

    private static String string(Pointer pointer) {
        return pointer == null ? null : pointer.getString(0, StandardCharsets.UTF_8.name());
    }

    private static String strerror(int negativeErrno) {
        return LibC.INSTANCE.strerror(-negativeErrno) + " (errno " + -negativeErrno + ")";
    }

    private static int check(int result, String what) throws BusException {
        if (result < 0) {
            throw new BusException(what + ": " + strerror(result), null);
        }
        return result;
    }

    /** Writes a call's arguments. */
    @FunctionalInterface
    interface ArgumentWriter {
        ArgumentWriter NONE = out -> {};

        void write(Out out) throws BusException;
    }

    /** Reads a reply. */
    @FunctionalInterface
    interface ReplyReader<T> {
        T read(In in) throws BusException;
    }

    /** Appends to a message being built, one basic value or container at a time. */
    final class Out {
        private final Pointer message;
        private final String member;

        private Out(Pointer message, String member) {
            this.message = message;
            this.member = member;
        }

        Out string(String value) throws BusException {
            return text('s', value);
        }

        Out objectPath(String value) throws BusException {
            return text('o', value);
        }

        Out bool(boolean value) throws BusException {
            return int32('b', value ? 1 : 0);
        }

        Out int32(int value) throws BusException {
            return int32('i', value);
        }

        Out uint32(long value) throws BusException {
            return int32('u', (int) value);
        }

        Out uint64(long value) throws BusException {
            Memory memory = new Memory(8);
            memory.setLong(0, value);
            check(sd.sd_bus_message_append_basic(message, (byte) 't', memory), "appending to " + member);
            return this;
        }

        /** A file descriptor: sd-bus duplicates it into the message, the caller still owns {@code fd}. */
        Out fd(int fd) throws BusException {
            return int32('h', fd);
        }

        Out strings(Iterable<String> values) throws BusException {
            open('a', "s");
            for (String value : values) {
                string(value);
            }
            return close();
        }

        Out open(char type, String contents) throws BusException {
            check(sd.sd_bus_message_open_container(message, (byte) type, contents), "opening " + type + contents
                    + " in " + member);
            return this;
        }

        Out close() throws BusException {
            check(sd.sd_bus_message_close_container(message), "closing a container in " + member);
            return this;
        }

        private Out text(char type, String value) throws BusException {
            check(sd.sd_bus_message_append_basic(message, (byte) type, value), "appending to " + member);
            return this;
        }

        private Out int32(char type, int value) throws BusException {
            Memory memory = new Memory(4);
            memory.setInt(0, value);
            check(sd.sd_bus_message_append_basic(message, (byte) type, memory), "appending to " + member);
            return this;
        }
    }

    /** Reads a reply, one basic value or container at a time. */
    final class In {
        private final Pointer message;
        private final String member;

        private In(Pointer message, String member) {
            this.message = message;
            this.member = member;
        }

        String string() throws BusException {
            return text('s');
        }

        String objectPath() throws BusException {
            return text('o');
        }

        int int32() throws BusException {
            return read('i', 4).getInt(0);
        }

        long uint32() throws BusException {
            return Integer.toUnsignedLong(read('u', 4).getInt(0));
        }

        long uint64() throws BusException {
            return read('t', 8).getLong(0);
        }

        /** Enters a container; false at the end of an enclosing array. */
        boolean enter(char type, String contents) throws BusException {
            return check(sd.sd_bus_message_enter_container(message, (byte) type, contents),
                    "reading " + type + contents + " from the reply of " + member) > 0;
        }

        void exit() throws BusException {
            check(sd.sd_bus_message_exit_container(message), "reading the reply of " + member);
        }

        /** Whether the current container (e.g. an array) has no more values. */
        boolean atEnd() throws BusException {
            return check(sd.sd_bus_message_at_end(message, 0), "reading the reply of " + member) > 0;
        }

        void skip(String types) throws BusException {
            check(sd.sd_bus_message_skip(message, types), "reading the reply of " + member);
        }

        private String text(char type) throws BusException {
            return read(type, Native.POINTER_SIZE).getPointer(0).getString(0, StandardCharsets.UTF_8.name());
        }

        private Memory read(char type, int size) throws BusException {
            Memory memory = new Memory(size);
            memory.clear();
            if (check(sd.sd_bus_message_read_basic(message, (byte) type, memory),
                    "reading '" + type + "' from the reply of " + member) == 0) {
                throw new BusException("the reply of " + member + " ended before a '" + type + "'", null);
            }
            return memory;
        }
    }
}
