package restracker.cli;

import java.util.ArrayList;
import java.util.List;
import restracker.policy.Policy;
import restracker.policy.PolicyTable;
import restracker.text.Untrusted;
import restracker.tracker.Sizes;

/** How `policy list` shows the loaded policies as a table (its JSON: {@link restracker.json.JsonViews#policy}). */
final class PolicyViews {
    private PolicyViews() {}

    static String table(List<PolicyTable.Loaded> all) {
        if (all.isEmpty()) return "no policies loaded\n";
        StringBuilder out = new StringBuilder(String.format("%-20s %-7s %10s %6s %5s %6s %6s %7s %6s  %s%n", "NAME", "MODE",
                "HEAP", "FILES", "WARN", "HELD", "KILLED", "AUDITED", "WARNED", "SELECTS"));
        for (PolicyTable.Loaded l : all) {
            Policy p = l.policy();
            out.append(String.format("%-20s %-7s %10s %6s %5s %6d %6d %7d %6d  %s%n", p.name(), p.mode().word(),
                    p.quota().heapLimited() ? Sizes.format(p.quota().heapBytes()) : "-",
                    p.quota().filesLimited() ? Long.toString(p.quota().files()) : "-",
                    p.warnPercent().isPresent() ? p.warnPercent().getAsInt() + "%" : "-", l.held(), l.killed(), l.audited(),
                    l.warned(), selects(p)));
        }
        return out.toString();
    }

    private static String selects(Policy p) {
        List<String> s = new ArrayList<>();
        p.match().exe().ifPresent(e -> s.add("exe " + Untrusted.escape(e.toString()) + (p.match().children() ? " and children" : "")));
        p.match().cgroup().ifPresent(c -> s.add("cgroup " + Untrusted.escape(c.toString())));
        p.match().uid().ifPresent(u -> s.add("uid " + Integer.toUnsignedString(u)));
        return String.join(", ", s);
    }
}
