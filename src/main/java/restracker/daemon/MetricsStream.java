package restracker.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.ExporterFilterProperties;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetrics2TextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * /metrics: the exposition the official client's {@link MetricsHandler} gives, byte for byte, but a
 * plain scrape (GET, no query, no gzip) is written to the socket as it is produced, in a chunked
 * response, instead of into a buffer of the whole body first (the client's way without gzip: a
 * buffer of the last response's size, megabytes at a full table, each scrape). Anything else (HEAD,
 * {@code ?name[]=} or {@code ?debug=}, gzip, which the client already streams, a configured name
 * filter, the experimental OpenMetrics 2 format) is the client's handler's; a plain scrape gets
 * the client's choice of format (Accept), Content-Type and escaping.
 */
final class MetricsStream implements HttpHandler {
    private final PrometheusRegistry registry;
    private final MetricsHandler client;
    private final ExpositionFormats formats;
    private final boolean filtered;
    private final boolean neverGzip;

    MetricsStream(PrometheusRegistry registry) {
        PrometheusProperties config = PrometheusProperties.get();
        this.registry = registry;
        this.client = new MetricsHandler(config, registry);
        this.formats = ExpositionFormats.init(config);
        this.neverGzip = config.getExporterHttpServerProperties().isPreferUncompressedResponse();
        ExporterFilterProperties f = config.getExporterFilterProperties();
        this.filtered = f.getAllowedMetricNames() != null || f.getExcludedMetricNames() != null
                || f.getAllowedMetricNamePrefixes() != null || f.getExcludedMetricNamePrefixes() != null;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (filtered || !ex.getRequestMethod().equals("GET") || ex.getRequestURI().getRawQuery() != null
                || (!neverGzip && acceptsGzip(ex)) || writer instanceof OpenMetrics2TextFormatWriter) {
            client.handle(ex);
            return;
        }
        try (ex) {
            var snapshots = registry.scrape();
            ex.getResponseHeaders().set("Content-Type", writer.getContentType());
            ex.sendResponseHeaders(200, 0); // chunked: the length is known only at the end
            try (OutputStream out = ex.getResponseBody()) {
                writer.write(out, snapshots, EscapingScheme.fromAcceptHeader(accept, EscapingScheme.DEFAULT));
            }
        }
    }

    /** As the client decides to compress: some Accept-Encoding value lists gzip. */
    private static boolean acceptsGzip(HttpExchange ex) {
        for (String v : ex.getRequestHeaders().getOrDefault("Accept-Encoding", List.of())) {
            for (String coding : v.split(",")) {
                if (coding.trim().equalsIgnoreCase("gzip")) return true;
            }
        }
        return false;
    }
}
