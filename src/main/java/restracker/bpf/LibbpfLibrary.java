package restracker.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import restracker.sys.NativeException;

/** libbpf.so.1, looked up once, with a message that says what to install when it is missing. */
final class LibbpfLibrary {
    static final SymbolLookup LOOKUP = load();

    private LibbpfLibrary() {}

    private static SymbolLookup load() {
        try {
            return SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new NativeException(2, "libbpf.so.1 is not installed: install the libbpf1 package"
                    + " (apt-get install libbpf1)");
        }
    }
}
