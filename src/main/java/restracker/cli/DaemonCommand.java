package restracker.cli;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.daemon.Daemon;
import restracker.daemon.Listen;
import restracker.kernel.PinnedState;

@Command(name = "daemon", description = {
        "Serve the tracked state over HTTP until stopped: JSON API (/api/processes, /api/processes/PID,",
        "/api/events), server-sent events (/api/stream), Prometheus metrics (/metrics) and a dashboard (/).",
        "The kernel keeps the state and enforces the quotas; stopping the daemon changes neither."})
final class DaemonCommand implements Runnable {
    @Option(names = "--listen", paramLabel = "ADDR", defaultValue = Listen.DEFAULT,
            description = "HOST:PORT to listen on (default ${DEFAULT-VALUE}, loopback only; :PORT for every interface).")
    String listen;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Listen where;
        try {
            where = Listen.parse(listen);
            where.socketAddress();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Daemon daemon = Daemon.start(PinnedState.configuredDir(), where);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "restracker-daemon-stop"));
        var a = daemon.address();
        String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0"
                : a.getAddress().getHostAddress().contains(":") ? "[" + a.getAddress().getHostAddress() + "]"
                : a.getAddress().getHostAddress();
        System.out.println("restracker daemon listening on http://" + host + ":" + a.getPort() + "/ (pin directory "
                + PinnedState.configuredDir() + ")");
        if (!where.loopbackOnly()) {
            System.err.println("restracker: warning: listening beyond loopback: anyone who can reach this port can read"
                    + " what is tracked (the API is read-only)");
        }
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
