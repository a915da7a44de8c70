package restracker.daemon;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Locale;

/**
 * On a loopback listener, only requests addressed to a loopback name are served: {@code localhost},
 * {@code 127.x.y.z} or {@code [::1]} in the Host header. A web page elsewhere that rebinds its own
 * name to 127.0.0.1 (DNS rebinding) thus cannot read the API through the operator's browser.
 */
final class LoopbackHostFilter extends Filter {
    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host != null && !isLoopbackName(host)) {
            try (ex) {
                Http.json(ex, 403, ApiJson.error("this daemon listens on loopback and answers requests for localhost only, not "
                        + host));
            }
            return;
        }
        chain.doFilter(ex);
    }

    static boolean isLoopbackName(String hostHeader) {
        String h = hostHeader.toLowerCase(Locale.ROOT).trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        if (colon >= 0) h = h.substring(0, colon);
        return h.equals("localhost") || h.endsWith(".localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    @Override
    public String description() {
        return "serves requests for loopback names only";
    }
}
