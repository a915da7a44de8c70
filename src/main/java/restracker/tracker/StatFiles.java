package restracker.tracker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import restracker.proc.ProcFs;

/**
 * The stat files of the tasks this tracker registered, kept open from the register on (each
 * /proc/PID/task/PID/stat), so that a later cap or fetch of the same task reads it with one system
 * call instead of an open, a read and a close. A file held open reads the task that had the pid
 * when it was opened, and nothing once that task is reaped (whatever task has the pid by then): a
 * read that gives something is what a fresh open of the pid would give, and one that gives
 * nothing drops the file, the caller then opening the pid anew as it would without this. At most
 * {@link #KEPT} files are held (the least recently used goes first); a deregister and the
 * tracker's close close theirs. Safe for the tracker's threads: a file closed under a reader gives
 * that reader nothing, and it opens the pid anew.
 */
final class StatFiles implements AutoCloseable {
    /** Descriptors held at most: a few per task a program works on, never a table's worth. */
    static final int KEPT = 64;

    private final Map<Integer, ProcFs.StatFile> files = new LinkedHashMap<>(16, 0.75f, true);

    /** Keeps file for pid (one already kept for it is closed); file is closed with the others from now on. */
    void keep(int pid, ProcFs.StatFile file) {
        ProcFs.StatFile old, eldest = null;
        synchronized (files) {
            old = files.put(pid, file);
            if (files.size() > KEPT) {
                Map.Entry<Integer, ProcFs.StatFile> e = files.entrySet().iterator().next();
                eldest = e.getValue();
                files.remove(e.getKey());
            }
        }
        if (old != null && old != file) old.close();
        if (eldest != null) eldest.close();
    }

    /** pid's stat read through the file kept for it; empty when none is kept or its task is gone. */
    Optional<ProcFs.Stat> read(int pid) {
        ProcFs.StatFile f;
        synchronized (files) {
            f = files.get(pid);
        }
        if (f == null) return Optional.empty();
        Optional<ProcFs.Stat> s = f.read();
        if (s.isEmpty()) drop(pid, f);
        return s;
    }

    /** pid's stat: through its kept file where that reads, else a fresh open of /proc/PID/stat. */
    Optional<ProcFs.Stat> stat(int pid) {
        Optional<ProcFs.Stat> s = read(pid);
        return s.isPresent() ? s : ProcFs.stat(pid);
    }

    /** As {@link ProcFs#stat(int, int)} (task tid of process tgid), through tid's kept file where that reads. */
    Optional<ProcFs.Stat> stat(int tgid, int tid) {
        Optional<ProcFs.Stat> s = read(tid);
        return s.isPresent() ? s : ProcFs.stat(tgid, tid);
    }

    /** Closes the file kept for pid, if any. */
    void drop(int pid) {
        ProcFs.StatFile f;
        synchronized (files) {
            f = files.remove(pid);
        }
        if (f != null) f.close();
    }

    private void drop(int pid, ProcFs.StatFile f) {
        synchronized (files) {
            if (!files.remove(pid, f)) return;
        }
        f.close();
    }

    @Override
    public void close() {
        synchronized (files) {
            files.values().forEach(ProcFs.StatFile::close);
            files.clear();
        }
    }
}
