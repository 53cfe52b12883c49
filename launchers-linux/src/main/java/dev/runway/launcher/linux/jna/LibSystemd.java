package dev.runway.launcher.linux.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * libsystemd's sd-bus, the part Runway uses. Messages are built one value at a time (append_basic, open/close
 * container) so that no variadic C call is needed. Every function returns a negative errno on failure.
 */
public interface LibSystemd extends Library {
    /** Loads libsystemd.so.0; throws {@link UnsatisfiedLinkError} where it is missing. */
    static LibSystemd load() {
        return Native.load("systemd", LibSystemd.class);
    }

    int sd_bus_new(PointerByReference bus);

    int sd_bus_set_address(Pointer bus, String address);

    int sd_bus_set_bus_client(Pointer bus, int isClient);

    int sd_bus_start(Pointer bus);

    Pointer sd_bus_flush_close_unref(Pointer bus);

    int sd_bus_message_new_method_call(Pointer bus, PointerByReference message, String destination, String path,
            String iface, String member);

    /** For 's', 'o', 'g': the value is the string itself. */
    int sd_bus_message_append_basic(Pointer message, byte type, String value);

    /** For numbers, booleans ('b' is a 32-bit int) and fds ('h', duplicated by sd-bus): a pointer to the value. */
    int sd_bus_message_append_basic(Pointer message, byte type, Pointer value);

    int sd_bus_message_open_container(Pointer message, byte type, String contents);

    int sd_bus_message_close_container(Pointer message);

    int sd_bus_call(Pointer bus, Pointer message, long timeoutMicros, Pointer error, PointerByReference reply);

    Pointer sd_bus_message_unref(Pointer message);

    /** For strings the pointer receives a {@code const char *} owned by the message. Returns 0 at the end. */
    int sd_bus_message_read_basic(Pointer message, byte type, Pointer value);

    int sd_bus_message_enter_container(Pointer message, byte type, String contents);

    int sd_bus_message_exit_container(Pointer message);

    int sd_bus_message_at_end(Pointer message, int complete);

    int sd_bus_message_skip(Pointer message, String types);

    void sd_bus_error_free(Pointer error);
}
