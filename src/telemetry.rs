//! Logging set-up: `tracing` with JSON lines in production and readable lines in development.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (e.g. from several tests) are no-ops.
/// The filter comes from `RUST_LOG`, defaulting to `info`. Lines go to standard error, above a
/// progress bar when one is shown.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(crate::progress::LogWriter);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}
