package org.openmaas.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which texts a compiled regular expression accepts in full, construct by construct, and what it refuses. */
class RegexGrammarTest {

    @Test
    void literalsClassesAndEscapesMatchAsInJava() {
        assertSameAsJava("abc", "abc", "ab", "abcd");
        assertSameAsJava("a.c", "abc", "a-c", "a\nc", "ac");
        assertSameAsJava("[a-c0-9_]+", "a0_", "abc", "d", "");
        assertSameAsJava("[^a-c]", "d", "a", "\n");
        assertSameAsJava("\\d\\w\\s", "1a ", "1a\t", "aa ", "1- ");
        assertSameAsJava("\\D\\W\\S", "a-x", "1-x", "a x");
        assertSameAsJava("[\\d.-]+", "3.1-4", "3,1");
        assertSameAsJava("\\.\\*\\x41\\u00e9\\n", ".*Aé\n", "a*Aé\n");
        assertSameAsJava("[]a]", "]", "a", "b");
    }

    @Test
    void groupsAlternationAndQuantifiersMatchAsInJava() {
        assertSameAsJava("(ab|cd)+e?", "ab", "abcde", "e", "abab");
        assertSameAsJava("(?:x|y){2,3}", "xy", "xyx", "x", "xyxy");
        assertSameAsJava("(?<year>[0-9]{4})-(?P<m>[0-9]{2})".replace("?P<", "?<"), "2024-01", "24-01");
        assertSameAsJava("a{3}", "aaa", "aa", "aaaa");
        assertSameAsJava("a{2,}", "aa", "aaaaa", "a");
        assertSameAsJava("a*?b+?", "aab", "b", "a");
        assertSameAsJava("a|", "a", "", "b");
        assertThat(GbnfMatcher.matches(RegexGrammar.compile("(?P<m>[0-9]{2})"), "12")).isTrue();
    }

    @Test
    void anchorsAreAcceptedAtTheEndsOnly() {
        assertSameAsJava("^yes$", "yes", "yes!");
        assertRefused("a^b", "^", 1);
        assertRefused("a$b", "$", 1);
    }

    @Test
    void whatAGrammarCannotExpressIsRefusedNamingTheConstruct() {
        assertRefused("(a)\\1", "backreference", 3);
        assertRefused("(?=a)a", "lookaround", 0);
        assertRefused("(?<!a)b", "lookaround", 0);
        assertRefused("\\bword\\b", "word boundary", 0);
        assertRefused("(?i)abc", "inline flag", 0);
        assertRefused("a{2000}", "quantifier", 1);
        assertRefused("a{3,2}", "quantifier", 1);
        assertRefused("*a", "quantifier", 0);
        assertRefused("(ab", "unbalanced parenthesis", 0);
        assertRefused("ab)", "unbalanced parenthesis", 2);
        assertRefused("[ab", "character class", 0);
        assertRefused("\\q", "escape", 0);
        assertRefused("a++", "possessive quantifier", 2);
    }

    private static void assertSameAsJava(String pattern, String... texts) {
        String grammar = RegexGrammar.compile(pattern);
        for (String text : texts) {
            assertThat(GbnfMatcher.matches(grammar, text)).as("/%s/ on %s%n%s", pattern, text, grammar)
                    .isEqualTo(text.matches(pattern));
        }
    }

    private static void assertRefused(String pattern, String construct, int offset) {
        assertThatThrownBy(() -> RegexGrammar.compile(pattern)).isInstanceOfSatisfying(GrammarException.class, e -> {
            assertThat(e.construct()).isEqualTo(construct);
            assertThat(e.location()).isEqualTo("the pattern (offset " + offset + ")");
        });
    }
}
