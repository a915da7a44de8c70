package restracker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import restracker.tracker.Quota;

/** Policy files as operators write them, and as they get them wrong. */
class PolicyFileTest {
    private static final String EXAMPLE = """
            policies:
              - name: leaky-worker
                match:
                  exe: /opt/app/bin/worker
                  children: true
                heap: 512M
                files: 1000
                mode: enforce
                warn: 80
              - name: batch-users
                match:
                  cgroup: /sys/fs/cgroup/unified/batch.slice
                  user: builder
                files: 64
                mode: audit
              - name: uid-1001
                match: {uid: 1001}
                heap: 2G
            """;

    @Test
    void readsEverySelectorQuotaModeAndWarning() {
        List<Policy> p = PolicyFile.parse("policies.yaml", EXAMPLE);
        assertEquals(List.of(
                new Policy("leaky-worker", new Match(Optional.of(Path.of("/opt/app/bin/worker")), true, Optional.empty(),
                        OptionalInt.empty(), Optional.empty()), new Quota(512L << 20, 1000), Mode.ENFORCE, OptionalInt.of(80)),
                new Policy("batch-users", new Match(Optional.empty(), false, Optional.of(Path.of("/sys/fs/cgroup/unified/batch.slice")),
                        OptionalInt.empty(), Optional.of("builder")), new Quota(Quota.UNLIMITED, 64), Mode.AUDIT, OptionalInt.empty()),
                new Policy("uid-1001", new Match(Optional.empty(), false, Optional.empty(), OptionalInt.of(1001), Optional.empty()),
                        new Quota(2L << 30, Quota.UNLIMITED), Mode.ENFORCE, OptionalInt.empty())), p);
    }

    @Test
    void anEmptyListIsASetOfNoneButAnEmptyFileIsRefused() {
        assertEquals(List.of(), PolicyFile.parse("p.yaml", "policies: []\n"));
        PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyFile.parse("p.yaml", "\n# nothing\n"));
        assertEquals("p.yaml is empty (write `policies: []` for a set of none)", e.getMessage());
    }

    /** Each mistake, the line it is on (counted by hand), and the words that say what is wrong. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heapp: 1M                 | 4 | unknown key 'heapp' in a policy
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heap: 1M\\n    heap: 2M  | 5 | the key 'heap' is given twice in a policy
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heap: 12Q                 | 4 | unknown unit 'Q'
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    files: -5                 | 4 | invalid file count '-5'
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heap: 1M\\n    mode: kill | 5 | 'kill' is not a mode
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heap: 1M\\n    warn: 100  | 2 | warn must be a percentage from 1 to 99
            policies:\\n  - name: a\\n    match: {uid: 1}                              | 2 | sets neither a heap nor a files quota
            policies:\\n  - name: a\\n    heap: 1M                                     | 2 | policy a has no match
            policies:\\n  - match: {uid: 1}\\n    heap: 1M                             | 2 | a policy without a name
            policies:\\n  - name: a\\n    match: {}\\n    heap: 1M                     | 3 | must select processes by exe, cgroup, uid or user
            policies:\\n  - name: a\\n    match: {uid: 1, children: true}\\n    heap: 1M | 3 | children applies to an exe selector only
            policies:\\n  - name: a\\n    match: {exe: bin/worker}\\n    heap: 1M      | 3 | exe must be an absolute path
            policies:\\n  - name: a\\n    match: {cgroup: /sys/../etc}\\n    heap: 1M  | 3 | cgroup must be a plain path
            policies:\\n  - name: a\\n    match: {uid: root}\\n    heap: 1M            | 3 | 'root' is not a uid
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heap: 1M\\n  - name: a\\n    match: {uid: 2}\\n    heap: 1M | 5 | a second policy named a
            policies:\\n  - name: 'a b'\\n    match: {uid: 1}\\n    heap: 1M            | 2 | invalid policy name 'a b'
            policies:\\n  - name: a\\n    match: {uid: 1}\\n    heap: [1M]                | 4 | heap must be a single value
            policies: {a: 1}                                                          | 1 | `policies` must be a list
            rules: []                                                                 | 1 | unknown key 'rules' in the file
            policies:\\n  - name: a\\n   match: {uid: 1}                              | 3 | 
            """)
    void refusesMistakesNamingTheLine(String text, int line, String words) {
        PolicyFileException e = assertThrows(PolicyFileException.class,
                () -> PolicyFile.parse("p.yaml", text.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith("p.yaml line " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(words == null ? "" : words), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one sentence: " + e.getMessage());
    }

    @Test
    void aBillionLaughsIsRefused() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *").append(p)
                    .append(", *").append(p).append(", *").append(p).append("]\n");
        }
        PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyFile.parse("p.yaml", y.toString()));
        assertTrue(e.getMessage().startsWith("p.yaml"), e.getMessage());
    }

    /** Whatever bytes a file holds, the answer is a set of policies or one PolicyFileException sentence. */
    @Property(tries = 500)
    void anyTextIsASetOrOneSentence(@ForAll("mangled") String text) {
        try {
            PolicyFile.parse("p.yaml", text);
        } catch (PolicyFileException e) {
            assertTrue(e.getMessage().startsWith("p.yaml"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> mangled() {
        return Arbitraries.integers().between(0, EXAMPLE.length() - 1).list().ofMaxSize(4).flatMap(cuts ->
                Arbitraries.strings().withChars(":-{}[]&*!|>'\"#% \n\t\u0000\u001b\u00e9x1M").ofMaxLength(6).list()
                        .ofSize(cuts.size()).map(inserts -> {
                            StringBuilder s = new StringBuilder(EXAMPLE);
                            for (int i = 0; i < cuts.size(); i++) {
                                int at = Math.min(cuts.get(i), s.length());
                                s.replace(at, Math.min(s.length(), at + inserts.get(i).length()), inserts.get(i));
                            }
                            return s.toString();
                        }));
    }
}
