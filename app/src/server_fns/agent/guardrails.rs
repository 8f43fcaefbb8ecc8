//! The guardrails page: rules, a test box, and verdicts on violations.

use leptos::prelude::*;
use model::agent::dashboard::GuardrailsView;
use model::agent::guardrails::{GuardrailRule, GuardrailVerdict, Violation};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The guardrails page: the switch, the rules and the latest violations.
#[server(prefix = "/sfn", endpoint = "guardrails")]
pub async fn load_guardrails(
    slug: String,
    cursor: Option<String>,
) -> Result<GuardrailsView, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
        .guardrails_view(&caller, ssr::given(cursor).as_deref())
        .await?)
}

/// Adds a rule (`rule_id` empty) or replaces one's type, pattern, action, message and state.
#[server(prefix = "/sfn", endpoint = "save-rule")]
pub async fn save_rule(
    slug: String,
    rule_id: Option<String>,
    kind: String,
    pattern: String,
    action: String,
    user_message: Option<String>,
    active: Option<String>,
) -> Result<GuardrailRule, UiError> {
    use model::agent::guardrails::{GuardrailAction, GuardrailType};

    let kind = ssr::parsed("rule type", Some(kind), GuardrailType::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose a rule type"))?;
    let action = ssr::parsed("action", Some(action), GuardrailAction::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose an action"))?;
    // A checkbox: present when ticked.
    let is_active = active.is_some();
    let (services, caller) = ssr::app_caller(&slug).await?;
    let rule = match ssr::given(rule_id) {
        None => {
            let input = model::agent::guardrails::CreateGuardrailRule {
                r#type: kind,
                pattern,
                action,
                user_message,
                is_active: Some(is_active),
            };
            services
                .agent()
                .create_guardrail_rule(&caller, input)
                .await?
        }
        Some(id) => {
            let patch = model::agent::guardrails::UpdateGuardrailRule {
                r#type: Some(kind),
                pattern: Some(pattern),
                action: Some(action),
                user_message: Some(user_message.unwrap_or_default()),
                is_active: Some(is_active),
            };
            services
                .agent()
                .update_guardrail_rule(&caller, &id, patch)
                .await?
        }
    };
    Ok(rule)
}

/// Deletes a rule; its past violations stay.
#[server(prefix = "/sfn", endpoint = "delete-rule")]
pub async fn delete_rule(slug: String, rule_id: String) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
        .delete_guardrail_rule(&caller, &rule_id)
        .await?)
}

/// What the active rules say of a text, recording nothing.
#[server(prefix = "/sfn", endpoint = "try-guardrails")]
pub async fn try_guardrails(slug: String, content: String) -> Result<GuardrailVerdict, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().try_guardrails(&caller, &content).await?)
}

/// Marks a violation a true or a false positive.
#[server(prefix = "/sfn", endpoint = "judge-violation")]
pub async fn judge_violation(
    slug: String,
    violation_id: String,
    correctness: String,
) -> Result<Violation, UiError> {
    use model::agent::guardrails::Correctness;

    let correctness = ssr::parsed("verdict", Some(correctness), Correctness::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose a verdict"))?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .agent()
        .judge_violation(&actor, &slug, &violation_id, correctness)
        .await?)
}
