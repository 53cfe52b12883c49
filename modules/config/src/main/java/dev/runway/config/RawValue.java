package dev.runway.config;

import java.util.List;

/**
 * A setting's value before it is checked and typed: the text of a scalar, or the items of a list.
 *
 * @param origin where it was written
 * @param text   the scalar's text, null for a list
 * @param items  the list's items, null for a scalar
 */
record RawValue(Origin origin, String text, List<String> items) {
    static RawValue scalar(Origin origin, String text) {
        return new RawValue(origin, text, null);
    }

    static RawValue list(Origin origin, List<String> items) {
        return new RawValue(origin, null, List.copyOf(items));
    }
}
