package dev.runway.it.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The text constants of a class file (its constant pool's UTF-8 entries): the string literals the class holds, and the
 * compile-time constants of other classes that javac copied into it. ArchUnit's model has no string literals.
 */
final class ClassFileStrings {
    private ClassFileStrings() {}

    /** Every UTF-8 constant of {@code javaClass}'s class file; empty when ArchUnit did not read it from one. */
    static Set<String> of(JavaClass javaClass) {
        if (javaClass.getSource().isEmpty()) {
            return Set.of();
        }
        try (InputStream in = javaClass.getSource().get().getUri().toURL().openStream()) {
            return read(new DataInputStream(in));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the class file of " + javaClass.getName(), e);
        }
    }

    /** The constant pool, as the JVM specification's section 4.4 lays it out. */
    private static Set<String> read(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        Set<String> strings = new HashSet<>();
        for (int index = 1; index < count; index++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.add(in.readUTF()); // Utf8: u2 length, modified UTF-8, as readUTF reads it
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // Integer, Float, refs, NameAndType, Dynamic
                case 5, 6 -> { // Long, Double: eight bytes and two entries
                    in.skipNBytes(8);
                    index++;
                }
                default -> throw new IOException("constant pool entry " + index + ": unknown tag " + tag);
            }
        }
        return strings;
    }
}
