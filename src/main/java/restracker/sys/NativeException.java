package restracker.sys;

/** A native call failed; carries the errno it failed with and a sentence that says what to do. */
public class NativeException extends RuntimeException {
    private final Errno errno;
    private final int rawErrno;

    public NativeException(int rawErrno, String message) {
        super(message);
        this.rawErrno = Math.abs(rawErrno);
        this.errno = Errno.of(rawErrno);
    }

    public Errno errno() {
        return errno;
    }

    /** The errno as the kernel gave it, also when {@link Errno} has no name for it. */
    public int rawErrno() {
        return rawErrno;
    }
}
