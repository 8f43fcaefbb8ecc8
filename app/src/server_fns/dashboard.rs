//! Server functions of the dashboard pages. Each names the app it works on (the slug from the
//! page's path) and is checked against the signed-in user's role in that app's workspace.

use leptos::prelude::*;
use model::apps::{App, AppWithSecret};
use model::conversations::ConversationPage;
use model::dashboard::{
    AnalyticsReport, AppsView, AuditView, ConversationView, DashboardFrame, GuardrailsView,
    KnowledgeView, ToolsView, UsersView,
};
use model::experiments::Experiment;
use model::guardrails::{GuardrailRule, GuardrailVerdict, Violation};
use model::handoffs::{Handoff, HandoffPage};
use model::knowledge::{DocumentDetail, DocumentSaved, KnowledgeGap, SearchResponse};
use model::persona::Persona;
use model::tools::Tool;
use model::voice::{VoiceSessionDetail, VoiceSessionPage};
use serde::{Deserialize, Serialize};

use crate::error::UiError;

/// The frame of a dashboard page, or `None` when nobody is signed in.
#[server(prefix = "/sfn", endpoint = "dashboard-frame")]
pub async fn page_frame(slug: Option<String>) -> Result<Option<DashboardFrame>, UiError> {
    let services = super::services()?;
    let Some(token) = super::request::session_token() else {
        return Ok(None);
    };
    let Some(user) = services.user_for_session(&token).await? else {
        return Ok(None);
    };
    Ok(Some(services.dashboard_frame(user, slug.as_deref()).await?))
}

/// The Overview page: analytics over the last `days` days.
#[server(prefix = "/sfn", endpoint = "analytics-report")]
pub async fn overview_report(slug: String, days: i64) -> Result<AnalyticsReport, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::AnalyticsRead).await?;
    Ok(services.analytics_report(&caller, days).await?)
}

/// One page of conversations, newest first. Empty filters are ignored; `from` and `to` are
/// UTC days (`YYYY-MM-DD`), both included.
#[server(prefix = "/sfn", endpoint = "conversations")]
pub async fn conversations(
    slug: String,
    status: Option<String>,
    channel: Option<String>,
    variant: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
) -> Result<ConversationPage, UiError> {
    use model::conversations::ConversationStatus;

    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    let status = ssr::parsed("status", status, ConversationStatus::parse)?;
    let query = domain::ConversationQuery {
        status,
        channel: ssr::given(channel),
        variant: ssr::given(variant),
        since: ssr::day_bound(from, 0)?,
        until: ssr::day_bound(to, 1)?,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    Ok(services.list_conversations(&caller, query).await?)
}

/// One conversation with everything recorded about it, and its calls.
#[server(prefix = "/sfn", endpoint = "conversation")]
pub async fn conversation(slug: String, session_id: String) -> Result<ConversationView, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    Ok(services.conversation_view(&caller, &session_id).await?)
}

/// The handoff queue: one status at a time, newest first.
#[server(prefix = "/sfn", endpoint = "handoffs")]
pub async fn handoff_queue(
    slug: String,
    status: String,
    cursor: Option<String>,
) -> Result<HandoffPage, UiError> {
    let status = model::handoffs::HandoffStatus::parse(&status).ok_or_else(|| {
        UiError::new(
            model::ErrorCode::InvalidInput,
            format!("Unknown handoff status {status:?}"),
        )
    })?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    Ok(services
        .list_handoffs(
            &caller,
            Some(status),
            ssr::given(cursor).as_deref(),
            Some(50),
        )
        .await?)
}

/// Claims a handoff for the signed-in user.
#[server(prefix = "/sfn", endpoint = "claim-handoff")]
pub async fn claim_handoff(slug: String, handoff_id: String) -> Result<Handoff, UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.claim_handoff(&actor, &slug, &handoff_id).await?)
}

/// Resolves a handoff, with an optional judgement (`excellent`, `good`, `poor`) and notes.
#[server(prefix = "/sfn", endpoint = "resolve-handoff")]
pub async fn resolve_handoff(
    slug: String,
    handoff_id: String,
    quality: Option<String>,
    feedback: Option<String>,
) -> Result<Handoff, UiError> {
    use model::handoffs::ResolutionQuality;

    super::request::require_same_origin()?;
    let quality = ssr::parsed("resolution quality", quality, ResolutionQuality::parse)?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .resolve_handoff(&actor, &slug, &handoff_id, quality, feedback)
        .await?)
}

/// One page of the app's voice sessions from every voice API, newest first.
#[server(prefix = "/sfn", endpoint = "voice-sessions")]
pub async fn voice_sessions(
    slug: String,
    status: Option<String>,
    origin: Option<String>,
    cursor: Option<String>,
) -> Result<VoiceSessionPage, UiError> {
    use model::voice::{CallStatus, SessionOrigin};

    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    let status = ssr::parsed("status", status, CallStatus::parse)?;
    let origin = ssr::parsed("origin", origin, SessionOrigin::parse)?;
    let query = domain::voice::VoiceSessionQuery {
        status,
        origin,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    Ok(services.list_voice_sessions(&caller, query).await?)
}

/// One voice session with its participants and transcript.
#[server(prefix = "/sfn", endpoint = "voice-session")]
pub async fn voice_session(slug: String, id: String) -> Result<VoiceSessionDetail, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ConversationsRead).await?;
    Ok(services.voice_session_detail(&caller, &id).await?)
}

/// The app's experiments with their results, newest first.
#[server(prefix = "/sfn", endpoint = "experiments")]
pub async fn load_experiments(slug: String) -> Result<Vec<Experiment>, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ExperimentsManage).await?;
    Ok(services.list_experiments(&caller).await?)
}

/// Starts an experiment; `variants` holds one `id weight [config]` a line.
#[server(prefix = "/sfn", endpoint = "start-experiment")]
pub async fn start_experiment(
    slug: String,
    name: String,
    description: Option<String>,
    variants: String,
) -> Result<Experiment, UiError> {
    super::request::require_same_origin()?;
    let variants = ssr::variant_lines(&variants)?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ExperimentsManage).await?;
    let input = model::experiments::CreateExperiment {
        name,
        description: ssr::given(description),
        variants,
    };
    Ok(services.create_experiment(&caller, input).await?)
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
    super::request::require_same_origin()?;
    let variants = ssr::variant_lines(&variants)?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ExperimentsManage).await?;
    let input = model::experiments::UpdateExperiment {
        name,
        description: ssr::given(description),
        variants,
    };
    Ok(services.update_experiment(&caller, &id, input).await?)
}

/// Pauses (`paused`), resumes (`active`) or ends (`ended`) an experiment.
#[server(prefix = "/sfn", endpoint = "experiment-status")]
pub async fn change_experiment_status(
    slug: String,
    id: String,
    status: String,
) -> Result<Experiment, UiError> {
    use model::experiments::ExperimentStatus;

    super::request::require_same_origin()?;
    let status = ssr::parsed("experiment status", Some(status), ExperimentStatus::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "A status is required"))?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::ExperimentsManage).await?;
    Ok(services.set_experiment_status(&caller, &id, status).await?)
}

/// The guardrails page: the switch, the rules and the latest violations.
#[server(prefix = "/sfn", endpoint = "guardrails")]
pub async fn load_guardrails(
    slug: String,
    cursor: Option<String>,
) -> Result<GuardrailsView, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::GuardrailsManage).await?;
    Ok(services
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
    use model::guardrails::{GuardrailAction, GuardrailType};

    super::request::require_same_origin()?;
    let kind = ssr::parsed("rule type", Some(kind), GuardrailType::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose a rule type"))?;
    let action = ssr::parsed("action", Some(action), GuardrailAction::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose an action"))?;
    // A checkbox: present when ticked.
    let is_active = active.is_some();
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::GuardrailsManage).await?;
    let rule = match ssr::given(rule_id) {
        None => {
            let input = model::guardrails::CreateGuardrailRule {
                r#type: kind,
                pattern,
                action,
                user_message,
                is_active: Some(is_active),
            };
            services.create_guardrail_rule(&caller, input).await?
        }
        Some(id) => {
            let patch = model::guardrails::UpdateGuardrailRule {
                r#type: Some(kind),
                pattern: Some(pattern),
                action: Some(action),
                user_message: Some(user_message.unwrap_or_default()),
                is_active: Some(is_active),
            };
            services.update_guardrail_rule(&caller, &id, patch).await?
        }
    };
    Ok(rule)
}

/// Deletes a rule; its past violations stay.
#[server(prefix = "/sfn", endpoint = "delete-rule")]
pub async fn delete_rule(slug: String, rule_id: String) -> Result<(), UiError> {
    super::request::require_same_origin()?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::GuardrailsManage).await?;
    Ok(services.delete_guardrail_rule(&caller, &rule_id).await?)
}

/// What the active rules say of a text, recording nothing.
#[server(prefix = "/sfn", endpoint = "try-guardrails")]
pub async fn try_guardrails(slug: String, content: String) -> Result<GuardrailVerdict, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::GuardrailsManage).await?;
    Ok(services.try_guardrails(&caller, &content).await?)
}

/// Marks a violation a true or a false positive.
#[server(prefix = "/sfn", endpoint = "judge-violation")]
pub async fn judge_violation(
    slug: String,
    violation_id: String,
    correctness: String,
) -> Result<Violation, UiError> {
    use model::guardrails::Correctness;

    super::request::require_same_origin()?;
    let correctness = ssr::parsed("verdict", Some(correctness), Correctness::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose a verdict"))?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .judge_violation(&actor, &slug, &violation_id, correctness)
        .await?)
}

/// The knowledge page: documents, gaps of one status (`open` by default) and metrics.
#[server(prefix = "/sfn", endpoint = "knowledge")]
pub async fn load_knowledge(
    slug: String,
    gaps: Option<String>,
    cursor: Option<String>,
) -> Result<KnowledgeView, UiError> {
    use model::knowledge::GapStatus;

    let status = ssr::parsed("gap status", gaps, GapStatus::parse)?.unwrap_or(GapStatus::Open);
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::KnowledgeRead).await?;
    Ok(services
        .knowledge_view(&caller, status, ssr::given(cursor).as_deref())
        .await?)
}

/// Adds a document typed or pasted into the page (or replaces the one with its title).
#[server(prefix = "/sfn", endpoint = "add-document")]
pub async fn add_document(
    slug: String,
    title: String,
    category: String,
    format: String,
    content: String,
) -> Result<DocumentSaved, UiError> {
    use model::knowledge::{AddKnowledge, DocumentFormat};

    super::request::require_same_origin()?;
    let format = ssr::parsed("format", Some(format), DocumentFormat::parse)?;
    let (services, actor) = ssr::signed_in().await?;
    let caller = services
        .dashboard_caller(&actor, &slug, model::users::Permission::KnowledgeManage)
        .await?;
    let input = AddKnowledge {
        title,
        content,
        category,
        source_type: Some("dashboard".to_owned()),
        updated_by: ssr::user_email(&actor),
        format,
    };
    Ok(services.add_knowledge(&caller, input).await?)
}

/// Deletes a document and its passages.
#[server(prefix = "/sfn", endpoint = "delete-document")]
pub async fn delete_document(slug: String, id: String) -> Result<(), UiError> {
    super::request::require_same_origin()?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::KnowledgeManage).await?;
    Ok(services.delete_knowledge_document(&caller, &id).await?)
}

/// One document with its passages.
#[server(prefix = "/sfn", endpoint = "document")]
pub async fn load_document(slug: String, id: String) -> Result<DocumentDetail, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::KnowledgeRead).await?;
    Ok(services.knowledge_document(&caller, &id).await?)
}

/// A search that records nothing: the page's search tester.
#[server(prefix = "/sfn", endpoint = "test-search")]
pub async fn test_search(
    slug: String,
    query: String,
    mode: Option<String>,
    top_k: Option<i64>,
) -> Result<SearchResponse, UiError> {
    use model::knowledge::{SearchKnowledge, SearchMode};

    let mode = ssr::parsed("search mode", mode, |text| match text {
        "hybrid" => Some(SearchMode::Hybrid),
        "vector" => Some(SearchMode::Vector),
        "text" => Some(SearchMode::Text),
        _ => None,
    })?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::KnowledgeRead).await?;
    let input = SearchKnowledge {
        query,
        category: None,
        top_k,
        session_id: None,
        min_score: None,
        mode,
    };
    Ok(services.try_knowledge_search(&caller, input).await?)
}

/// Resolves, dismisses or reopens a gap (`to`: `resolved`, `dismissed`, `open`).
#[server(prefix = "/sfn", endpoint = "change-gap")]
pub async fn change_gap(
    slug: String,
    id: String,
    to: String,
    document_id: Option<String>,
) -> Result<KnowledgeGap, UiError> {
    use model::knowledge::GapStatus;

    super::request::require_same_origin()?;
    let to = ssr::parsed("gap status", Some(to), GapStatus::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose what to do"))?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .change_knowledge_gap(&actor, &slug, &id, to, ssr::given(document_id))
        .await?)
}

/// The tools page: the tools, and their executions filtered by tool and status.
#[server(prefix = "/sfn", endpoint = "tools")]
pub async fn load_tools(
    slug: String,
    tool: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
) -> Result<ToolsView, UiError> {
    use model::tools::ExecutionStatus;

    let status = ssr::parsed("status", status, ExecutionStatus::parse)?;
    let (services, caller) = ssr::app_caller(&slug, model::users::Permission::ToolsManage).await?;
    let query = domain::ExecutionQuery {
        session_id: None,
        tool_name: ssr::given(tool),
        status,
        since: None,
        until: None,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    let (tools, executions) = (
        services.tools(&caller).await?,
        services.list_tool_executions(&caller, query).await?,
    );
    Ok(ToolsView { tools, executions })
}

/// The tool editor's fields, posted as `tool[name]`, `tool[description]`, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolForm {
    /// The tool being edited; empty for a new one.
    #[serde(default)]
    pub editing: String,
    pub name: String,
    pub description: String,
    pub endpoint: String,
    pub http_method: String,
    pub timeout_ms: i64,
    /// A JSON Schema object.
    pub parameters_schema: String,
    /// `Name: value` lines. When editing, empty keeps the stored headers.
    #[serde(default)]
    pub headers: String,
    /// Checkboxes: present when ticked.
    #[serde(default)]
    pub requires_confirmation: Option<String>,
    #[serde(default)]
    pub requires_auth: Option<String>,
}

/// Registers a tool, or changes the one being edited.
#[server(prefix = "/sfn", endpoint = "save-tool")]
pub async fn save_tool(slug: String, tool: ToolForm) -> Result<Tool, UiError> {
    use model::tools::{RegisterTool, SchemaText, UpdateTool};

    super::request::require_same_origin()?;
    let headers = ssr::header_lines(&tool.headers)?;
    let (services, caller) = ssr::app_caller(&slug, model::users::Permission::ToolsManage).await?;
    let saved = if tool.editing.is_empty() {
        let input = RegisterTool {
            name: tool.name,
            description: tool.description,
            parameters_schema: SchemaText::Text(tool.parameters_schema),
            endpoint: Some(tool.endpoint),
            headers,
            http_method: Some(tool.http_method),
            timeout_ms: Some(tool.timeout_ms),
            requires_confirmation: Some(tool.requires_confirmation.is_some()),
            requires_auth: Some(tool.requires_auth.is_some()),
        };
        services.register_tool(&caller, input).await?
    } else {
        let patch = UpdateTool {
            description: Some(tool.description),
            parameters_schema: Some(SchemaText::Text(tool.parameters_schema)),
            endpoint: Some(tool.endpoint),
            headers,
            http_method: Some(tool.http_method),
            timeout_ms: Some(tool.timeout_ms),
            requires_confirmation: Some(tool.requires_confirmation.is_some()),
            requires_auth: Some(tool.requires_auth.is_some()),
            is_active: None,
        };
        services.update_tool(&caller, &tool.editing, patch).await?
    };
    Ok(saved)
}

/// Switches a tool on or off: agents cannot call a tool that is off.
#[server(prefix = "/sfn", endpoint = "tool-active")]
pub async fn set_tool_active(slug: String, name: String, active: bool) -> Result<Tool, UiError> {
    super::request::require_same_origin()?;
    let (services, caller) = ssr::app_caller(&slug, model::users::Permission::ToolsManage).await?;
    let patch = model::tools::UpdateTool {
        is_active: Some(active),
        ..Default::default()
    };
    Ok(services.update_tool(&caller, &name, patch).await?)
}

/// Deletes a tool; its executions stay in the log.
#[server(prefix = "/sfn", endpoint = "delete-tool")]
pub async fn delete_tool(slug: String, name: String) -> Result<(), UiError> {
    super::request::require_same_origin()?;
    let (services, caller) = ssr::app_caller(&slug, model::users::Permission::ToolsManage).await?;
    Ok(services.delete_tool(&caller, &name).await?)
}

/// The audit log of the app's workspace.
#[server(prefix = "/sfn", endpoint = "audit")]
pub async fn load_audit(slug: String, cursor: Option<String>) -> Result<AuditView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .audit_view(&actor, &slug, ssr::given(cursor).as_deref())
        .await?)
}

/// Sets how many days the workspace keeps its audit log (30, 90 or 365).
#[server(prefix = "/sfn", endpoint = "audit-retention")]
pub async fn set_audit_retention(workspace_id: String, days: i64) -> Result<(), UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .set_audit_retention(&actor, &workspace_id, days)
        .await?)
}

/// The members of the app's workspace.
#[server(prefix = "/sfn", endpoint = "users")]
pub async fn load_users(slug: String) -> Result<UsersView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.users_view(&actor, &slug).await?)
}

/// A new member of a workspace, as the Users page's form sends it (`member[field]`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewMemberForm {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: String,
}

/// Adds a member to the workspace, with the password they will sign in with.
#[server(prefix = "/sfn", endpoint = "add-member")]
pub async fn add_member(workspace_id: String, member: NewMemberForm) -> Result<(), UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    let role = ssr::role(&member.role)?;
    let input = domain::NewUser {
        email: member.email,
        name: member.name,
        password: member.password,
        role,
        workspace_id: Some(workspace_id),
    };
    services.create_user(&actor, input).await?;
    Ok(())
}

/// Gives a member of the workspace another role.
#[server(prefix = "/sfn", endpoint = "member-role")]
pub async fn change_member_role(
    workspace_id: String,
    user_id: String,
    role: String,
) -> Result<(), UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    let role = ssr::role(&role)?;
    services
        .change_member_role(&actor, &workspace_id, &user_id, role)
        .await?;
    Ok(())
}

/// The apps of the user's workspaces, and the current one with every setting.
#[server(prefix = "/sfn", endpoint = "apps")]
pub async fn load_apps(slug: String) -> Result<AppsView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let caller = services
        .dashboard_caller(&actor, &slug, model::users::Permission::AppsRead)
        .await?;
    let apps = services.list_apps(&actor).await?;
    let deliveries = services
        .list_webhook_deliveries(&caller, None, Some(DELIVERIES_SHOWN))
        .await?
        .deliveries;
    Ok(AppsView {
        apps,
        current: caller.app.as_ref().clone(),
        deliveries,
    })
}

/// How many of the latest webhook deliveries the apps page lists.
#[cfg(feature = "ssr")]
const DELIVERIES_SHOWN: i64 = 20;

/// The app's webhook signing secret, as `GET /api/webhooks/signing-secret` gives it to the app.
#[server(prefix = "/sfn", endpoint = "signing-secret")]
pub async fn reveal_signing_secret(slug: String) -> Result<String, UiError> {
    super::request::require_same_origin()?;
    let (services, caller) = ssr::app_caller(&slug, model::users::Permission::AppsManage).await?;
    Ok(services.signing_secret(&caller).await?.signing_secret)
}

/// Replaces the app's webhook signing secret; receivers must be given the new one.
#[server(prefix = "/sfn", endpoint = "rotate-signing-secret")]
pub async fn rotate_signing_secret(slug: String) -> Result<String, UiError> {
    super::request::require_same_origin()?;
    let (services, caller) = ssr::app_caller(&slug, model::users::Permission::AppsManage).await?;
    Ok(services
        .rotate_signing_secret(&caller)
        .await?
        .signing_secret)
}

/// Creates an app in the current app's workspace; its secret is in the answer, once.
#[server(prefix = "/sfn", endpoint = "add-app")]
pub async fn add_app(
    slug: String,
    new_slug: String,
    name: String,
) -> Result<AppWithSecret, UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    let current = services.app_by_slug(&actor, &slug).await?;
    let input = model::apps::CreateApp {
        slug: new_slug,
        name,
        secret: None,
        workspace_id: Some(current.workspace_id),
        settings: model::apps::AppSettings::default(),
    };
    Ok(services.create_app(&actor, input).await?)
}

/// Replaces the app's secret; the new one is in the answer, once.
#[server(prefix = "/sfn", endpoint = "rotate-app-secret")]
pub async fn rotate_app_secret(slug: String) -> Result<AppWithSecret, UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.rotate_app_secret(&actor, &slug).await?)
}

/// Accepts (`active`) or refuses the app's credentials.
#[server(prefix = "/sfn", endpoint = "app-active")]
pub async fn switch_app(slug: String, active: bool) -> Result<App, UiError> {
    super::request::require_same_origin()?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.set_app_active(&actor, &slug, active).await?)
}

/// The settings form of an app, posted as `app[name]`, `app[model_id]`, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppSettingsForm {
    pub name: String,
    pub model_id: String,
    /// Empty: the model's default.
    pub temperature: String,
    pub max_actions_per_turn: String,
    pub knowledge_threshold: String,
    pub handoff_webhook_url: String,
    pub handoff_expiration_seconds: String,
    pub token_expire_minutes: String,
    /// Checkboxes: present when ticked.
    #[serde(default)]
    pub reply_as_audio: Option<String>,
    #[serde(default)]
    pub guardrails_enabled: Option<String>,
    #[serde(default)]
    pub handoff_enabled: Option<String>,
}

/// Saves the settings form; the domain validates them as it does the admin API's.
#[server(prefix = "/sfn", endpoint = "save-app")]
pub async fn save_app_settings(slug: String, app: AppSettingsForm) -> Result<App, UiError> {
    use serde_json::Value;

    super::request::require_same_origin()?;
    let number = |field: &str, text: &str| -> Result<Value, UiError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Value::Null);
        }
        text.parse::<f64>()
            .ok()
            .and_then(|n| {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            })
            .ok_or_else(|| {
                UiError::new(
                    model::ErrorCode::InvalidInput,
                    format!("{field} must be a number"),
                )
            })
    };
    let url = app.handoff_webhook_url.trim();
    let mut patch = serde_json::Map::new();
    patch.insert("name".into(), Value::String(app.name));
    patch.insert(
        "modelId".into(),
        Value::String(app.model_id.trim().to_owned()),
    );
    patch.insert(
        "temperature".into(),
        number("temperature", &app.temperature)?,
    );
    patch.insert(
        "maxActionsPerTurn".into(),
        number("maxActionsPerTurn", &app.max_actions_per_turn)?,
    );
    patch.insert(
        "knowledgeThreshold".into(),
        number("knowledgeThreshold", &app.knowledge_threshold)?,
    );
    patch.insert(
        "handoffWebhookUrl".into(),
        if url.is_empty() {
            Value::Null
        } else {
            Value::String(url.to_owned())
        },
    );
    patch.insert(
        "handoffExpirationSeconds".into(),
        number("handoffExpirationSeconds", &app.handoff_expiration_seconds)?,
    );
    patch.insert(
        "tokenExpireMinutes".into(),
        number("tokenExpireMinutes", &app.token_expire_minutes)?,
    );
    patch.insert(
        "replyAsAudio".into(),
        Value::Bool(app.reply_as_audio.is_some()),
    );
    patch.insert(
        "guardrailsEnabled".into(),
        Value::Bool(app.guardrails_enabled.is_some()),
    );
    patch.insert(
        "handoffEnabled".into(),
        Value::Bool(app.handoff_enabled.is_some()),
    );
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.update_app(&actor, &slug, patch).await?)
}

/// The app's persona, for its editor.
#[server(prefix = "/sfn", endpoint = "persona")]
pub async fn load_persona(slug: String) -> Result<Persona, UiError> {
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::PersonaManage).await?;
    Ok(services.persona(&caller))
}

/// The persona editor's fields, posted as `persona[system_prompt]`, `persona[voice]`, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonaForm {
    pub system_prompt: String,
    pub voice: String,
    pub persona_name: String,
    pub persona_greeting: String,
    pub persona_tone: String,
    /// Comma-separated.
    pub preferred_terms: String,
    pub blocked_terms: String,
    /// A JSON object, or empty.
    pub ui_strings: String,
}

/// Saves every persona field: an empty field clears it.
#[server(prefix = "/sfn", endpoint = "save-persona")]
pub async fn save_persona(slug: String, persona: PersonaForm) -> Result<Persona, UiError> {
    use model::persona::{PersonaPatch, Terms, UiStrings};

    super::request::require_same_origin()?;
    let (services, caller) =
        ssr::app_caller(&slug, model::users::Permission::PersonaManage).await?;
    let patch = PersonaPatch {
        system_prompt: Some(persona.system_prompt),
        voice: Some(persona.voice),
        persona_name: Some(persona.persona_name),
        persona_greeting: Some(persona.persona_greeting),
        persona_tone: Some(persona.persona_tone),
        preferred_terms: Some(Terms::Text(persona.preferred_terms)),
        blocked_terms: Some(Terms::Text(persona.blocked_terms)),
        ui_strings: Some(UiStrings::Json(persona.ui_strings)),
    };
    Ok(services.update_persona(&caller, patch).await?)
}

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    use model::ErrorCode;
    use model::users::Permission;

    use crate::error::UiError;
    use crate::format;

    /// The services and the signed-in user; 401 when nobody is signed in.
    pub async fn signed_in() -> Result<(domain::Services, domain::Actor), UiError> {
        let services = super::super::services()?;
        let actor = super::super::request::signed_in_actor(&services).await?;
        Ok((services, actor))
    }

    /// The services and the app `slug` as the signed-in user may use it for `permission`.
    pub async fn app_caller(
        slug: &str,
        permission: Permission,
    ) -> Result<(domain::Services, domain::Caller), UiError> {
        let (services, actor) = signed_in().await?;
        let caller = services.dashboard_caller(&actor, slug, permission).await?;
        Ok((services, caller))
    }

    /// A role named in a form; anything else is a 400.
    pub fn role(text: &str) -> Result<model::users::Role, UiError> {
        model::users::Role::parse(text.trim())
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
    pub fn variant_lines(text: &str) -> Result<Vec<model::experiments::Variant>, UiError> {
        model::experiments::parse_variant_lines(text)
            .map_err(|message| UiError::new(ErrorCode::InvalidInput, message))
    }

    /// `Name: value` lines as headers; none when the text is blank.
    pub fn header_lines(text: &str) -> Result<Option<model::tools::HeadersText>, UiError> {
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
        Ok((!headers.is_empty()).then_some(model::tools::HeadersText::Object(headers)))
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
}
