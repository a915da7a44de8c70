package restracker.testing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The last deadline of a test JVM: one still running its tests after restracker.tests.jvm.deadline
 * (ISO-8601, default PT61M) prints every thread's stack and halts with status 124, so that a hang
 * no test method's timeout covers (a property-based test's, a lifecycle of another engine's) ends
 * the build instead of holding it. Surefire's own fork timeout (pom.xml, a minute earlier) writes
 * a thread dump and fails the build, but leaves the JVM running until the hang ends by itself.
 */
public final class JvmDeadline implements LauncherSessionListener {
    private static final Duration DEFAULT = Duration.ofMinutes(61);
    private Thread watchdog;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Duration limit = Duration.parse(System.getProperty("restracker.tests.jvm.deadline", DEFAULT.toString()));
        PrintStream err = System.err;
        watchdog = Thread.ofPlatform().daemon().name("restracker-test-jvm-deadline").start(() -> {
            try {
                Thread.sleep(limit);
            } catch (InterruptedException e) {
                return; // the session ended in time
            }
            err.println("restracker tests: the test JVM still runs after " + limit + ": halting. Its threads:");
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                err.println("\"" + t.getKey().getName() + "\" " + t.getKey().getState());
                for (StackTraceElement frame : t.getValue()) err.println("\tat " + frame);
                err.println();
            }
            err.flush();
            Runtime.getRuntime().halt(124);
        });
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (watchdog != null) watchdog.interrupt();
    }
}
