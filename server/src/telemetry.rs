//! Logging (human-readable lines by default, JSON lines for collectors) and, when an OTLP
//! endpoint is configured, OpenTelemetry traces built from the same spans.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{Config, LogFormat};

/// What `init` installed; `shutdown` sends the traces still buffered.
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Flushes and stops the trace exporter. Call it outside the async runtime: the exporter's
    /// thread blocks.
    pub fn shutdown(self) {
        if let Some(traces) = self.traces
            && let Err(err) = traces.shutdown()
        {
            eprintln!("switchboard: the last traces were not exported: {err}");
        }
    }
}

/// The spans a trace holds whatever the log filter: the request, the domain's operations, each
/// SQL statement and each call out. (Debug level, so that without traces they cost nothing.)
const TRACED_SPANS: &str =
    "server=info,domain::calls=debug,store::sql=debug,integrations::outbound=debug";

/// Installs the global subscriber. Fails on an invalid filter or endpoint, or when one is
/// already installed. The log filter applies to the traces too, with [`TRACED_SPANS`] added.
pub fn init(config: &Config) -> Result<Telemetry, String> {
    let filter =
        EnvFilter::try_new(&config.log_filter).map_err(|e| format!("invalid log filter: {e}"))?;
    // stderr: stdout belongs to the CLI's output (e.g. a new app's secret).
    let logs = match config.log_format {
        LogFormat::Human => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
    };
    let traces = config
        .otlp_endpoint
        .as_deref()
        .map(|endpoint| trace_provider(endpoint, &config.otel_service_name))
        .transpose()?;
    let trace_layer = match &traces {
        Some(provider) => {
            let filter = EnvFilter::try_new(format!("{},{TRACED_SPANS}", config.log_filter))
                .map_err(|e| format!("invalid log filter: {e}"))?;
            Some(
                tracing_opentelemetry::layer()
                    .with_tracer(provider.tracer("switchboard"))
                    .with_filter(filter),
            )
        }
        None => None,
    };
    tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(trace_layer)
        .try_init()
        .map_err(|e| format!("cannot install the logger: {e}"))?;
    Ok(Telemetry { traces })
}

/// Batches spans and sends them to `{endpoint}/v1/traces` (OTLP over HTTP, protobuf).
fn trace_provider(endpoint: &str, service_name: &str) -> Result<SdkTracerProvider, String> {
    // The exporter's HTTP client is the same reqwest, built without a TLS provider of its own.
    integrations::http::install_crypto_provider();
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()
        .map_err(|e| format!("cannot export traces to {endpoint}: {e}"))?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(service_name.to_owned())
                .build(),
        )
        .build())
}
