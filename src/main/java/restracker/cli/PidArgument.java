package restracker.cli;

import picocli.CommandLine;
import restracker.tracker.Sizes;

/** Pids are parsed as integers by picocli; anything else is a usage error, not an errno. */
final class PidArgument implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        String s = value.strip();
        try {
            if (Sizes.isDecimal(s)) return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            // out of range: the same message
        }
        throw new CommandLine.TypeConversionException("invalid pid '" + value + "': expected a number");
    }
}
