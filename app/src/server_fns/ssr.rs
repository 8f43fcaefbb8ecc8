//! Helpers of the server functions: the signed-in user and the app they work on, and the
//! parsing of form fields.

use model::ErrorCode;

use crate::error::UiError;
use crate::format;

/// The services and the signed-in user; 401 when nobody is signed in.
pub async fn signed_in() -> Result<(domain::Services, domain::Actor), UiError> {
    let services = super::services()?;
    let actor = super::request::signed_in_actor(&services).await?;
    Ok((services, actor))
}

/// The services and the app `slug` as the signed-in user acts on it; each operation checks
/// the user's role for itself.
pub async fn app_caller(slug: &str) -> Result<(domain::Services, domain::Caller), UiError> {
    let (services, actor) = signed_in().await?;
    let caller = services.platform().user_caller(&actor, slug).await?;
    Ok((services, caller))
}

/// The app `slug` and its workspace, as the signed-in `actor` may see them.
pub async fn app_and_workspace(
    services: &domain::Services,
    actor: &domain::Actor,
    slug: &str,
) -> Result<
    (
        model::platform::apps::App,
        model::platform::workspaces::Workspace,
    ),
    UiError,
> {
    let app = services.platform().app_by_slug(actor, slug).await?;
    let workspace = services
        .platform()
        .workspace(actor, &app.workspace_id)
        .await?;
    Ok((app, workspace))
}

/// `epoch_ms` to the minute in the workspace's timezone.
pub fn local_time(workspace: &model::platform::workspaces::Workspace, epoch_ms: i64) -> String {
    domain::platform::workspaces::local_minutes(epoch_ms, &workspace.timezone)
}

/// The non-blank lines of a text box, trimmed.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A role named in a form; anything else is a 400.
pub fn role(text: &str) -> Result<model::platform::users::Role, UiError> {
    model::platform::users::Role::parse(text.trim())
        .ok_or_else(|| UiError::new(ErrorCode::InvalidInput, format!("Unknown role {text:?}")))
}

/// An optional filter parsed by `parse`; empty means none, anything unknown is a 400.
pub fn parsed<T>(
    field: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, UiError> {
    match given(value) {
        None => Ok(None),
        Some(text) => parse(&text).map(Some).ok_or_else(|| {
            UiError::new(ErrorCode::InvalidInput, format!("Unknown {field} {text:?}"))
        }),
    }
}

/// The variants editor's lines, or a 400 naming the bad line.
pub fn variant_lines(text: &str) -> Result<Vec<model::agent::experiments::Variant>, UiError> {
    model::agent::experiments::parse_variant_lines(text)
        .map_err(|message| UiError::new(ErrorCode::InvalidInput, message))
}

/// `Name: value` lines as headers; none when the text is blank.
pub fn header_lines(text: &str) -> Result<Option<model::agent::tools::HeadersText>, UiError> {
    let mut headers = serde_json::Map::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| {
            UiError::new(
                ErrorCode::InvalidInput,
                format!("Header line {}: write it as Name: value", index + 1),
            )
        })?;
        headers.insert(
            name.trim().to_owned(),
            serde_json::Value::String(value.trim().to_owned()),
        );
    }
    Ok((!headers.is_empty()).then_some(model::agent::tools::HeadersText::Object(headers)))
}

/// The signed-in user's email, recorded as who changed something.
pub fn user_email(actor: &domain::Actor) -> Option<String> {
    match &actor.principal {
        domain::Principal::User(user) => Some(user.email.clone()),
        domain::Principal::Operator => None,
    }
}

/// A form field, unless left empty.
pub fn given(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// The start of the UTC day `value` names, plus `offset_days`.
pub fn day_bound(value: Option<String>, offset_days: i64) -> Result<Option<i64>, UiError> {
    let Some(text) = given(value) else {
        return Ok(None);
    };
    format::day_start_ms(&text)
        .map(|start| Some(start + offset_days * 86_400_000))
        .ok_or_else(|| {
            UiError::new(
                ErrorCode::InvalidInput,
                format!("{text:?} is not a date (YYYY-MM-DD)"),
            )
        })
}
