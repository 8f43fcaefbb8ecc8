//! The experiments page: start, redefine, pause, resume and end experiments.

use leptos::prelude::*;
use model::agent::experiments::Experiment;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The app's experiments with their results, newest first.
#[server(prefix = "/sfn", endpoint = "experiments")]
pub async fn load_experiments(slug: String) -> Result<Vec<Experiment>, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().list_experiments(&caller).await?)
}

/// Starts an experiment; `variants` holds one `id weight [config]` a line.
#[server(prefix = "/sfn", endpoint = "start-experiment")]
pub async fn start_experiment(
    slug: String,
    name: String,
    description: Option<String>,
    variants: String,
) -> Result<Experiment, UiError> {
    let variants = ssr::variant_lines(&variants)?;
    let (services, caller) = ssr::app_caller(&slug).await?;
    let input = model::agent::experiments::CreateExperiment {
        name,
        description: ssr::given(description),
        variants,
    };
    Ok(services.agent().create_experiment(&caller, input).await?)
}

/// Changes an experiment's name, description and variants.
#[server(prefix = "/sfn", endpoint = "redefine-experiment")]
pub async fn redefine_experiment(
    slug: String,
    id: String,
    name: String,
    description: Option<String>,
    variants: String,
) -> Result<Experiment, UiError> {
    let variants = ssr::variant_lines(&variants)?;
    let (services, caller) = ssr::app_caller(&slug).await?;
    let input = model::agent::experiments::UpdateExperiment {
        name,
        description: ssr::given(description),
        variants,
    };
    Ok(services
        .agent()
        .update_experiment(&caller, &id, input)
        .await?)
}

/// Pauses (`paused`), resumes (`active`) or ends (`ended`) an experiment.
#[server(prefix = "/sfn", endpoint = "experiment-status")]
pub async fn change_experiment_status(
    slug: String,
    id: String,
    status: String,
) -> Result<Experiment, UiError> {
    use model::agent::experiments::ExperimentStatus;

    let status = ssr::parsed("experiment status", Some(status), ExperimentStatus::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "A status is required"))?;
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
        .set_experiment_status(&caller, &id, status)
        .await?)
}
