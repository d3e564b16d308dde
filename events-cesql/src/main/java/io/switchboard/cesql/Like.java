package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.BoolNode;
import io.switchboard.cesql.Node.StrNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code x [NOT] LIKE 'pattern'}. The pattern is compiled once into the segments between {@code %} wildcards;
 * matching anchors the first segment at the start and the last at the end and finds each middle segment at its
 * leftmost occurrence. Leftmost is always right for this pattern shape, so there is no backtracking: the work is
 * linear in the text for a given pattern, however many {@code %} it has (a regex would backtrack).
 *
 * <p>{@code _} matches one code point (not one UTF-16 char); {@code \%} and {@code \_} match the character
 * itself; every other character, a backslash before anything else included, matches itself, newlines too.
 */
final class Like extends BoolNode {

    final StrNode child;
    final Pattern pattern;
    final boolean negate;

    Like(StrNode child, Pattern pattern, boolean negate, int pos) {
        super(pos, child.depth + 1, child.constant);
        this.child = child;
        this.pattern = pattern;
        this.negate = negate;
    }

    @Override
    boolean evalBool(CloudEvent event, Errors errors) {
        int mark = errors.count;
        String s = Attributes.readString(child, event, errors);
        return errors.count == mark && pattern.matches(s) != negate;
    }

    static final class Pattern {
        private static final int ANY_ONE = -1;

        // shapes answered by one String intrinsic; GENERAL walks the segments
        private static final int GENERAL = 0;
        private static final int EXACT = 1;
        private static final int PREFIX = 2;
        private static final int SUFFIX = 3;
        private static final int CONTAINS = 4;

        final String source;
        private final Segment[] segments;
        private final int shape;
        private final String text;

        private Pattern(String source, Segment[] segments) {
            this.source = source;
            this.segments = segments;
            int shape = GENERAL;
            String text = null;
            boolean plain = true;
            for (Segment s : segments) {
                plain &= s.plain != null;
            }
            if (plain && segments.length == 1) {
                shape = EXACT;
                text = segments[0].plain;
            } else if (plain && segments.length == 2 && segments[1].atoms.length == 0) {
                shape = PREFIX; // 'abc%'
                text = segments[0].plain;
            } else if (plain && segments.length == 2 && segments[0].atoms.length == 0) {
                shape = SUFFIX; // '%abc'
                text = segments[1].plain;
            } else if (plain && segments.length == 3 && segments[0].atoms.length == 0
                    && segments[2].atoms.length == 0) {
                shape = CONTAINS; // '%abc%'
                text = segments[1].plain;
            }
            this.shape = shape;
            this.text = text;
        }

        static Pattern compile(String pattern) {
            List<Segment> segments = new ArrayList<>();
            List<Integer> atoms = new ArrayList<>();
            int i = 0;
            int n = pattern.length();
            while (i < n) {
                int cp = pattern.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == '\\' && i < n && (pattern.charAt(i) == '%' || pattern.charAt(i) == '_')) {
                    atoms.add((int) pattern.charAt(i));
                    i++;
                } else if (cp == '%') {
                    segments.add(Segment.of(atoms));
                    atoms.clear();
                } else if (cp == '_') {
                    atoms.add(ANY_ONE);
                } else {
                    atoms.add(cp);
                }
            }
            segments.add(Segment.of(atoms));
            return new Pattern(pattern, segments.toArray(new Segment[0]));
        }

        boolean matches(String value) {
            switch (shape) {
                case EXACT:
                    return value.equals(text);
                case PREFIX:
                    return value.startsWith(text);
                case SUFFIX:
                    return value.endsWith(text);
                case CONTAINS:
                    return value.contains(text);
                default:
                    return matchSegments(value);
            }
        }

        private boolean matchSegments(String text) {
            Segment[] segs = segments;
            int len = text.length();
            int pos = segs[0].matchAt(text, 0);
            if (pos < 0) {
                return false;
            }
            if (segs.length == 1) {
                return pos == len;
            }
            for (int k = 1; k < segs.length - 1; k++) {
                if (segs[k].atoms.length > 0) {
                    pos = segs[k].find(text, pos);
                    if (pos < 0) {
                        return false;
                    }
                }
            }
            Segment last = segs[segs.length - 1];
            // the last segment must end exactly at the end of the text: step back its length in code points
            int start = len;
            for (int c = 0; c < last.atoms.length; c++) {
                if (start <= pos) {
                    return false;
                }
                start -= start >= 2 && Character.isLowSurrogate(text.charAt(start - 1))
                        && Character.isHighSurrogate(text.charAt(start - 2)) ? 2 : 1;
            }
            return start >= pos && last.matchAt(text, start) == len;
        }
    }

    /** Atoms between two {@code %}: code points, or ANY_ONE for {@code _}. */
    private static final class Segment {
        final int[] atoms;
        /** The segment as text when it has no {@code _} and no surrogates, to use String's intrinsics. */
        final String plain;

        private Segment(int[] atoms, String plain) {
            this.atoms = atoms;
            this.plain = plain;
        }

        static Segment of(List<Integer> atomList) {
            int[] atoms = atomList.stream().mapToInt(Integer::intValue).toArray();
            StringBuilder sb = new StringBuilder();
            boolean plain = true;
            for (int a : atoms) {
                if (a == Pattern.ANY_ONE || Character.isSupplementaryCodePoint(a)
                        || Character.isSurrogate((char) a)) {
                    plain = false;
                    break;
                }
                sb.append((char) a);
            }
            return new Segment(atoms, plain ? sb.toString() : null);
        }

        /** @return the end index if the segment matches at {@code i}, else -1 */
        int matchAt(String text, int i) {
            if (plain != null) {
                return text.startsWith(plain, i) ? i + plain.length() : -1;
            }
            int len = text.length();
            for (int atom : atoms) {
                if (i >= len) {
                    return -1;
                }
                int cp = text.codePointAt(i);
                if (atom != Pattern.ANY_ONE && atom != cp) {
                    return -1;
                }
                i += Character.charCount(cp);
            }
            return i;
        }

        /** @return the end index of the leftmost match starting at or after {@code from}, else -1 */
        int find(String text, int from) {
            if (plain != null) {
                int at = text.indexOf(plain, from);
                return at < 0 ? -1 : at + plain.length();
            }
            int len = text.length();
            for (int i = from; i < len; i += Character.charCount(text.codePointAt(i))) {
                int end = matchAt(text, i);
                if (end >= 0) {
                    return end;
                }
            }
            return -1;
        }
    }
}
