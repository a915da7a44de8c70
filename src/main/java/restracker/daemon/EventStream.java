package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import restracker.json.Json;
import restracker.json.JsonViews;
import restracker.tracker.EntityStats;
import restracker.tracker.KillEvent;

/**
 * {@code GET /api/stream}: server-sent events of kills and registrations. The kernel keeps no log
 * of registrations, so one poller takes the daemon's shared reading (see {@link KernelView}) every
 * {@link #POLL} while anyone listens and sends what changed since the last one it took: {@code register} (an entity newly tracked),
 * {@code deregister} (an entity gone: deregistered, exited or killed) and {@code kill} (a new event
 * in the kernel's kill log). A new client first gets {@code ready} once the poller has taken the
 * reading its changes are counted from. An entity tracked for less than one poll interval may go
 * unseen; the kill log itself misses nothing (see /api/events).
 *
 * <p>Bounded: at most {@link #MAX_CLIENTS} streams, {@link #MAX_PER_CLIENT} of them for one client
 * (a user of this machine or a remote address, as {@link ClientShares} counts them; more get 503),
 * each with a queue of {@link #QUEUE} events; a client too slow to keep up is disconnected
 * (browsers reconnect).
 */
final class EventStream implements HttpHandler, AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(1);
    static final int MAX_CLIENTS = 16;
    static final int MAX_PER_CLIENT = 4;
    static final int QUEUE = 256;
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final String CLOSE = new String("<close>");

    private final KernelView view;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "restracker-stream-poller");
        t.setDaemon(true);
        return t;
    });
    /** The last reading the clients were told about; null when nobody listened (start afresh). */
    private Map<Integer, EntityStats> lastEntities;
    private long lastSeq;

    /** One connected client: its queue, and whether it has had its ready frame. */
    private static final class Client {
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        final String who;
        volatile boolean ready;

        Client(String who) {
            this.who = who;
        }
    }

    EventStream(KernelView view) {
        this.view = view;
        poller.scheduleWithFixedDelay(this::pollSafely, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    int clients() {
        return clients.size();
    }

    /** A scheduled task that throws is never run again: no failure may leave the poller. */
    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            System.err.println("restracker daemon: event stream poll failed: " + e);
        }
    }

    private void poll() {
        if (clients.isEmpty()) {
            lastEntities = null;
            return;
        }
        KernelView.Reading r;
        try {
            r = view.read();
        } catch (RuntimeException e) {
            return; // counted by the view; try again next time
        }
        Map<Integer, EntityStats> now = new HashMap<>();
        for (EntityStats s : r.entities()) now.put(s.pid(), s);
        if (lastEntities != null) announceChanges(r, now);
        lastEntities = now;
        lastSeq = r.log().total();
        for (Client c : clients) {
            if (!c.ready) {
                c.ready = true;
                offer(c, "event: ready\ndata: {}\n\n");
            }
        }
    }

    private void announceChanges(KernelView.Reading r, Map<Integer, EntityStats> now) {
        if (r.log().total() < lastSeq) lastSeq = 0; // the state was unloaded and loaded again
        for (EntityStats s : r.entities()) {
            if (!lastEntities.containsKey(s.pid())) broadcast("register", Json.write(JsonViews.entity(s)));
        }
        for (EntityStats s : lastEntities.values()) {
            if (!now.containsKey(s.pid())) {
                Map<String, Object> m = Json.object();
                m.put("pid", s.pid());
                m.put("comm", s.comm());
                m.put("scope", s.scope().label());
                broadcast("deregister", Json.write(m));
            }
        }
        for (KillEvent e : r.log().events()) {
            if (e.seq() > lastSeq) broadcast("kill", Json.write(JsonViews.event(e)));
        }
    }

    private void broadcast(String event, String data) {
        String frame = "event: " + event + "\ndata: " + data + "\n\n";
        for (Client c : clients) {
            if (c.ready) offer(c, frame);
        }
    }

    private static void offer(Client c, String frame) {
        if (!c.queue.offer(frame)) { // too slow: drop the client rather than grow without bound
            c.queue.clear();
            c.queue.offer(CLOSE);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!Http.getOnly(ex)) return;
            Client client = new Client(ClientShares.clientOf(ex.getRemoteAddress(), ex.getLocalAddress()));
            synchronized (clients) {
                if (clients.size() >= MAX_CLIENTS) {
                    Http.json(ex, 503, ApiJson.error("too many stream clients (at most " + MAX_CLIENTS + ")"));
                    return;
                }
                if (clients.stream().filter(c -> c.who.equals(client.who)).count() >= MAX_PER_CLIENT) {
                    Http.json(ex, 503, ApiJson.error("too many streams for " + client.who + " (at most " + MAX_PER_CLIENT + ")"));
                    return;
                }
                clients.add(client);
            }
            try {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                write(out, "retry: 2000\n: restracker event stream (register, deregister, kill)\n\n");
                while (true) {
                    String frame = client.queue.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                    if (frame == CLOSE) return;
                    write(out, frame == null ? ": keepalive\n\n" : frame);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away
            } finally {
                clients.remove(client);
            }
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends every stream and the poller. */
    @Override
    public void close() {
        poller.shutdownNow();
        for (Client c : clients) {
            c.queue.clear();
            c.queue.offer(CLOSE);
        }
    }
}
