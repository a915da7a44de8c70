package restracker.kernel;

import java.util.List;

/**
 * What one BPF object pins: its maps (the meta record included) and the tracepoints its programs
 * attach to, under its own sub-directory of the pin directory.
 *
 * @param name the sub-directory, e.g. "tracker"
 * @param object the object file the jar carries under /bpf/
 * @param abiVersion the layout version its meta record must show
 * @param maps the maps to pin (besides "meta")
 * @param attachments program to tracepoint; a tracepoint this kernel lacks is skipped
 */
public record Blueprint(String name, String object, int abiVersion, List<String> maps, List<Attachment> attachments) {

    public record Attachment(String program, String category, String event) {}
}
