package restracker.seedabi;

import java.util.Optional;

/**
 * Refuses a base whose numbers this kernel already uses: a program's call would then be taken over
 * instead of reaching the kernel's own call. "Uses" is probed, not looked up: each number is
 * called, in a child, with every argument -1; only ENOSYS says the kernel has no such call.
 */
final class BaseCheck {
    private BaseCheck() {}

    static Optional<String> refusal(Launcher launcher, SeedAbi abi) {
        for (int i = 0; i < SeedCall.COUNT; i++) {
            int nr = abi.base() + i;
            if (launcher.kernelHas(nr)) {
                return Optional.of("system call " + nr + " (" + SeedCall.values()[i].name().toLowerCase(java.util.Locale.ROOT)
                        + " with base " + abi.base() + ") is one this kernel has: choose a base whose "
                        + SeedCall.COUNT + " numbers the kernel answers with ENOSYS, such as " + SeedAbi.DEFAULT_BASE);
            }
        }
        return Optional.empty();
    }
}
