package dev.runway.pipeline.logic;

import dev.runway.pipeline.yaml.LimitExceeded;
import dev.runway.pipeline.yaml.Limits;
import dev.runway.pipeline.yaml.Source;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Full-match of a user's Java regular expression that gives up after {@link Limits#MAX_REGEX_STEPS} character reads,
 * so a pattern with catastrophic backtracking ends in an error naming the cap instead of running for minutes.
 */
public final class BoundedRegex {
    private BoundedRegex() {}

    /** The compiled pattern, or null with the reason in {@code error[0]}. */
    public static Pattern compile(String pattern, String[] error) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            error[0] = e.getDescription() + " near index " + e.getIndex();
            return null;
        } catch (StackOverflowError e) {
            error[0] = "it nests too deeply";
            return null;
        }
    }

    public static boolean fullMatch(Pattern pattern, String value, Source at) {
        try {
            return pattern.matcher(new Counting(value, at)).matches();
        } catch (StackOverflowError e) {
            throw new LimitExceeded(at, "the pattern /" + pattern.pattern() + "/ recurses too deeply on '"
                    + abbreviate(value) + "'");
        }
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    /** A string that counts its character reads and stops the match past the cap. */
    private static final class Counting implements CharSequence {
        private final String text;
        private final Source at;
        private int reads;

        Counting(String text, Source at) {
            this.text = text;
            this.at = at;
        }

        @Override
        public char charAt(int index) {
            if (++reads > Limits.MAX_REGEX_STEPS) {
                throw new LimitExceeded(at, "matching the pattern took more than " + Limits.MAX_REGEX_STEPS
                        + " steps (the cap on regular-expression work); simplify the pattern");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
