//! The Switchboard server: composition root and HTTP edge.
//!
//! `main` parses the [`config::Cli`] and calls [`run`], which only composes: logger → store
//! (connect + migrate) → `domain::Services` → router → serve until SIGINT/SIGTERM.

pub mod api;
mod cli;
pub mod config;
pub mod help_center;
pub mod http;
mod jobs;
mod metrics;
pub mod openapi;
pub mod router;
mod secret_key;
pub mod state;
pub mod telemetry;
pub mod widget;

use leptos::config::{Env, LeptosOptions};
use store::{PoolSettings, Store, StoreError};
use tokio::net::TcpListener;

use crate::config::{Cli, Command, Config, redact_url};
use crate::http::cors::CorsPolicy;
use crate::router::HttpSettings;
use crate::state::AppState;

/// The UI bundle's file name (`/pkg/switchboard.{js,wasm,css}`), as named in the workspace's
/// `[[workspace.metadata.leptos]]`.
pub const SITE_NAME: &str = "switchboard";

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database")]
    Store(#[from] StoreError),
    #[error("cannot listen on {address}")]
    Bind {
        address: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the server stopped with an error")]
    Serve(#[source] std::io::Error),
    #[error("{0}")]
    Command(String),
    #[error("{0}")]
    Metrics(String),
}

/// Runs the subcommand `cli` asks for (`serve` by default). Install [`telemetry::init`] first.
pub async fn run(cli: Cli) -> Result<(), StartupError> {
    let config = cli.config;
    let store = open_store(&config).await?;
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => Ok(()),
        Command::Serve => serve(&config, store.clone()).await,
        Command::App(command) => {
            let services = services(&config, store.clone())?;
            cli::run_app_command(&services, command)
                .await
                .map_err(StartupError::Command)
        }
        Command::User(command) => {
            let services = services(&config, store.clone())?;
            cli::run_user_command(&services, command)
                .await
                .map_err(StartupError::Command)
        }
        Command::Rekey => rekey(&config, store.clone()).await,
    };
    store.close().await;
    outcome
}

/// Connects, applies pending migrations, and records the installation time on first start.
async fn open_store(config: &Config) -> Result<Store, StartupError> {
    let settings = PoolSettings {
        max_connections: config.database_max_connections,
    };
    let store = Store::connect(&config.database_url, settings).await?;
    store.migrate().await?;
    store.ensure_installed_at(domain::now_ms()).await?;
    let level = store.applied_migration().await?.map_or(0, |m| m.version);
    tracing::info!(
        database = %redact_url(&config.database_url),
        backend = store.backend().label(),
        migration = level,
        "database ready"
    );
    Ok(store)
}

/// Installs the metrics recorder and starts its listener and sampler; answers their tasks.
async fn start_metrics(
    address: std::net::SocketAddr,
    services: &domain::Services,
    store: Store,
) -> Result<[tokio::task::JoinHandle<()>; 2], StartupError> {
    let handle = metrics::install().map_err(StartupError::Metrics)?;
    let listener = TcpListener::bind(address)
        .await
        .map_err(|source| StartupError::Bind { address, source })?;
    tracing::info!("metrics on http://{address}/metrics");
    let scraped = handle.clone();
    let serving = tokio::spawn(async move {
        if let Err(err) = metrics::serve(listener, scraped).await {
            tracing::error!(error = %err, "the metrics listener stopped");
        }
    });
    let sampling = tokio::spawn(metrics::sample(
        services.clone(),
        store,
        handle,
        metrics::SAMPLE_EVERY,
    ));
    Ok([serving, sampling])
}

async fn serve(config: &Config, store: Store) -> Result<(), StartupError> {
    for status in config.integrations().statuses() {
        tracing::info!(
            integration = status.integration.label(),
            configured = status.configured,
            "integration"
        );
    }
    let services = services(config, store.clone())?;
    reseal_secrets(&services).await?;
    let metrics = match config.metrics_bind {
        Some(address) => Some(start_metrics(address, &services, store).await?),
        None => None,
    };
    let maintenance = tokio::spawn(jobs::maintenance(services.clone(), jobs::MAINTENANCE_EVERY));
    let handoff_expiry = tokio::spawn(jobs::expire_handoffs(
        services.clone(),
        jobs::HANDOFF_EXPIRY_EVERY,
    ));
    let snooze_wake = tokio::spawn(jobs::wake_snoozed(
        services.clone(),
        jobs::SNOOZE_WAKE_EVERY,
    ));
    let insights = tokio::spawn(jobs::daily_insights(services.clone(), jobs::INSIGHTS_EVERY));
    let webhooks = tokio::spawn(jobs::deliver_webhooks(
        services.clone(),
        jobs::WEBHOOK_POLL_EVERY,
    ));
    let ingestion = tokio::spawn(jobs::ingest_knowledge(
        services.clone(),
        jobs::INGESTION_POLL_EVERY,
    ));
    let stale_sessions = tokio::spawn(jobs::reap_stale_sessions(
        services.clone(),
        jobs::STALE_SESSIONS_EVERY,
    ));
    let state_services = services.clone();
    let state = AppState {
        services,
        leptos_options: leptos_options(config),
    };
    let settings = HttpSettings {
        cors: config
            .allowed_origins()
            .map_or_else(CorsPolicy::any_origin, CorsPolicy::origins),
        max_body_bytes: config.max_body_bytes,
        record_metrics: metrics.is_some(),
    };
    let app = router::build(state, &settings);

    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartupError::Bind {
            address: config.bind,
            source,
        })?;
    let address = listener.local_addr().map_err(StartupError::Serve)?;
    tracing::info!("listening on http://{address}");
    announce_first_run_setup(&state_services, address).await?;
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Live streams never end on their own; in-flight requests are waited for.
        state_services.agent().close_live_streams();
        state_services.desk().close_live_streams();
    })
    .await
    .map_err(StartupError::Serve)?;
    maintenance.abort();
    handoff_expiry.abort();
    snooze_wake.abort();
    webhooks.abort();
    ingestion.abort();
    stale_sessions.abort();
    insights.abort();
    for task in metrics.into_iter().flatten() {
        task.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

/// The service layer as configured.
fn services(config: &Config, store: Store) -> Result<domain::Services, StartupError> {
    let rate_limits = domain::RateLimits::default()
        .with_overrides(&config.rate_limits)
        .map_err(|e| StartupError::Command(format!("RATE_LIMITS: {e}")))?;
    let keyring = secret_key::load(config).map_err(StartupError::Command)?;
    let integrations = config.integrations();
    let ports = integrations::ports(&integrations).map_err(StartupError::Command)?;
    Ok(domain::Services::with_rate_limits(
        store,
        integrations,
        ports,
        rate_limits,
        keyring,
    ))
}

/// Seals what is stored in plain text (rows from before secrets were sealed) or under a
/// previous key. Cheap when there is nothing to do: it reads two small columns.
async fn reseal_secrets(services: &domain::Services) -> Result<usize, StartupError> {
    let failed =
        |e: domain::Error| StartupError::Command(format!("cannot seal stored secrets: {e}"));
    let signing_secrets = services
        .platform()
        .reseal_signing_secrets()
        .await
        .map_err(failed)?;
    let tools = services
        .agent()
        .reseal_tool_headers()
        .await
        .map_err(failed)?;
    let identity_secrets = services
        .desk()
        .reseal_identity_secrets()
        .await
        .map_err(failed)?;
    let resealed = signing_secrets + tools + identity_secrets;
    if resealed > 0 {
        tracing::info!(
            signing_secrets,
            tools,
            identity_secrets,
            "sealed stored secrets under the current key"
        );
    }
    Ok(resealed)
}

/// `rekey`: a new key seals every stored secret, then the old keys are dropped.
async fn rekey(config: &Config, store: Store) -> Result<(), StartupError> {
    let old = secret_key::load(config).map_err(StartupError::Command)?;
    let new = domain::platform::encryption::SecretKey::generate()
        .map_err(|e| StartupError::Command(e.to_string()))?;
    let keyring = old.rotated(new);
    if config.secret_key.is_some() {
        // Shown first: if resealing stops half-way, both keys are needed to read everything.
        println!(
            "new SECRET_KEY={} (set it, and SECRET_KEY_PREVIOUS to the old key until this \
             command has finished)",
            keyring.current().encode()
        );
    } else {
        // The old keys stay in the file until every secret is sealed under the new one.
        secret_key::write_key_file(
            std::path::Path::new(&config.secret_key_file),
            &keyring.keys(),
        )
        .map_err(StartupError::Command)?;
    }
    let integrations = config.integrations();
    let ports = integrations::ports(&integrations).map_err(StartupError::Command)?;
    let services = domain::Services::new(store, integrations, ports, keyring.clone());
    let resealed = reseal_secrets(&services).await?;
    if config.secret_key.is_none() {
        secret_key::write_key_file(
            std::path::Path::new(&config.secret_key_file),
            std::slice::from_ref(keyring.current()),
        )
        .map_err(StartupError::Command)?;
    }
    println!(
        "resealed {resealed} stored secrets under key {}",
        keyring.current().id()
    );
    Ok(())
}

/// On a database without users, prints the one-time link that creates the first owner.
async fn announce_first_run_setup(
    services: &domain::Services,
    address: std::net::SocketAddr,
) -> Result<(), StartupError> {
    let token = services
        .platform()
        .prepare_first_run_setup()
        .await
        .map_err(|e| StartupError::Command(e.to_string()))?;
    if let Some(token) = token {
        tracing::warn!(
            "first run: no dashboard user exists. Create the owner at \
             http://{address}/setup?token={token} (this token works once, for this process), \
             or run `server user create --email you@example.com --role owner`"
        );
    }
    Ok(())
}

/// Where the UI bundle is served from; the name matches what the build scripts produce.
fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(SITE_NAME)
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .env(Env::PROD)
        .build()
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM; in-flight requests then finish before exit.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
