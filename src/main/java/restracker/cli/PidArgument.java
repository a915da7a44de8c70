package restracker.cli;

import picocli.CommandLine;

/** Pids are parsed as integers by picocli; anything else is a usage error, not an errno. */
final class PidArgument implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("invalid pid '" + value + "': expected a number");
        }
    }
}
