package restracker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import restracker.control.ControlServer;
import restracker.daemon.Daemon;
import restracker.daemon.Listen;
import restracker.sys.Errno;
import restracker.sys.NativeException;

@Command(name = "daemon", description = {
        "Serve the tracked state over HTTP until stopped: JSON API (/api/processes, /api/processes/PID,",
        "/api/events), server-sent events (/api/stream), Prometheus metrics (/metrics) and a dashboard (/).",
        "The kernel keeps the state and enforces the quotas; stopping the daemon changes neither."})
final class DaemonCommand implements Runnable {
    @Option(names = "--listen", paramLabel = "ADDR", defaultValue = Listen.DEFAULT,
            description = "HOST:PORT to listen on (default ${DEFAULT-VALUE}, loopback only; :PORT for every interface).")
    String listen;

    @Option(names = "--control", paramLabel = "PATH",
            description = "The control socket through which users other than root run register, cap, fetch,"
                    + " reset, deregister, events, status and tracer on their own processes"
                    + " (default $RESTRACKER_CONTROL_SOCKET or " + "/run/restracker/control.sock).")
    Path control;

    @Option(names = "--control-group", paramLabel = "GROUP",
            description = "Let only members of GROUP connect to the control socket (mode 0660); default: every user (0666).")
    String controlGroup;

    @Option(names = "--no-control", description = "Serve no control socket: only root can change tracking.")
    boolean noControl;

    @Option(names = "--policies", paramLabel = "DIR",
            description = "Apply the policies of every *.yaml file in DIR (the machine's whole set, replacing any"
                    + " added by hand) at start and whenever DIR changes; a set that cannot be read or applied changes"
                    + " nothing and is logged. DIR and its files must be root's alone (a ConfigMap mount is).")
    Path policies;

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
        Path pinDir = Main.pinDir(spec);
        if (policies != null && !Files.isDirectory(policies)) {
            throw new NativeException(Errno.ENOENT.number(), "there is no policy directory " + policies);
        }
        Daemon daemon = Daemon.start(pinDir, Environment.trackerHooks(), where, Optional.ofNullable(policies));
        ControlServer controlServer;
        try {
            controlServer = noControl ? null : ControlServer.start(control != null ? control : Environment.controlSocket(),
                    Optional.ofNullable(controlGroup), new ControlHandler(pinDir));
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (controlServer != null) controlServer.close();
            daemon.close();
            stopped.countDown();
        }, "restracker-daemon-stop"));
        var a = daemon.address();
        String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0"
                : a.getAddress().getHostAddress().contains(":") ? "[" + a.getAddress().getHostAddress() + "]"
                : a.getAddress().getHostAddress();
        System.out.println("restracker daemon listening on http://" + host + ":" + a.getPort() + "/ (pin directory "
                + pinDir + ")" + (controlServer == null ? "" : "; control socket " + controlServer.path()));
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
