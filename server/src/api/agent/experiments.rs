//! A/B experiments (seed 000): create, results, pause/resume/end, sticky assignment.

use axum::Json;
use axum::extract::{Path, State};
use domain::Services;
use model::ErrorBody;
use model::agent::experiments::{
    AssignVariant, Assignment, CreateExperiment, Experiment, ExperimentList, SetExperimentStatus,
    UpdateExperiment,
};

use crate::http::{ApiError, AppCaller, AppCallerJson};

/// Creates an active experiment: at least 2 variants, unique ids, positive weights. Needs the
/// app secret.
#[utoipa::path(
    post,
    path = "/api/experiments",
    tag = "experiments",
    request_body = CreateExperiment,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The experiment (with its `id`)", body = Experiment),
        (status = 400, description = "Invalid name or variants", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 409, description = "The app has an experiment of this name", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<CreateExperiment>,
) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(
        services.agent().create_experiment(&caller, input).await?,
    ))
}

/// The app's experiments with per-variant results (exposures, conversations, resolution and
/// handoff rates, average CSAT) and a chi-square p-value. Needs the app secret (or a call's
/// agent credential).
#[utoipa::path(
    get,
    path = "/api/experiments",
    tag = "experiments",
    security(("appSecret" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The experiments, newest first", body = ExperimentList),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<ExperimentList>, ApiError> {
    let experiments = services.agent().list_experiments(&caller).await?;
    Ok(Json(ExperimentList { experiments }))
}

/// One experiment with its results. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/experiments/{experiment_id}",
    tag = "experiments",
    params(("experiment_id" = String, Path, description = "Experiment id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The experiment", body = Experiment),
        (status = 404, description = "No such experiment in this app", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(experiment_id): Path<String>,
) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(
        services.agent().experiment(&caller, &experiment_id).await?,
    ))
}

/// Replaces the name, description and variants. Weights and configs may change while the
/// experiment runs; which variants exist may change only until it has assigned a session (409
/// after). An ended experiment is final. Needs the app secret.
#[utoipa::path(
    put,
    path = "/api/experiments/{experiment_id}",
    tag = "experiments",
    params(("experiment_id" = String, Path, description = "Experiment id")),
    request_body = UpdateExperiment,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The experiment", body = Experiment),
        (status = 400, description = "Invalid name or variants", body = ErrorBody),
        (status = 404, description = "No such experiment in this app", body = ErrorBody),
        (status = 409, description = "Ended, variants added or removed after assignments, or the name is taken", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    Path(experiment_id): Path<String>,
    AppCallerJson(caller, input): AppCallerJson<UpdateExperiment>,
) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(
        services
            .agent()
            .update_experiment(&caller, &experiment_id, input)
            .await?,
    ))
}

/// Pauses (`paused`), resumes (`active`) or ends (`ended`, final) an experiment. Paused and
/// ended experiments assign no new sessions; assigned sessions keep their variant. Needs the
/// app secret.
#[utoipa::path(
    patch,
    path = "/api/experiments/{experiment_id}",
    tag = "experiments",
    params(("experiment_id" = String, Path, description = "Experiment id")),
    request_body = SetExperimentStatus,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The experiment", body = Experiment),
        (status = 404, description = "No such experiment in this app", body = ErrorBody),
        (status = 409, description = "INVALID_TRANSITION: the experiment has ended", body = ErrorBody),
    )
)]
pub async fn set_status(
    State(services): State<Services>,
    Path(experiment_id): Path<String>,
    AppCallerJson(caller, input): AppCallerJson<SetExperimentStatus>,
) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(
        services
            .agent()
            .set_experiment_status(&caller, &experiment_id, input.status)
            .await?,
    ))
}

/// The session's variant: sticky (the same answer every time, even under concurrent calls) and
/// weighted. Recorded on the session's conversation. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/experiments/assign",
    tag = "experiments",
    request_body = AssignVariant,
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The variant", body = Assignment),
        (status = 400, description = "Missing experimentId or sessionId", body = ErrorBody),
        (status = 404, description = "No such experiment in this app", body = ErrorBody),
        (status = 409, description = "The experiment is paused or ended and the session has no variant", body = ErrorBody),
    )
)]
pub async fn assign(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<AssignVariant>,
) -> Result<Json<Assignment>, ApiError> {
    Ok(Json(services.agent().assign_variant(&caller, input).await?))
}
