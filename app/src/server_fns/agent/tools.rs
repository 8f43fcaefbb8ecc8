//! The tools page: register, edit, switch and delete tools, and their call log.

use leptos::prelude::*;
use model::agent::dashboard::ToolsView;
use model::agent::tools::Tool;
use serde::{Deserialize, Serialize};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The tools page: the tools, and their executions filtered by tool and status.
#[server(prefix = "/sfn", endpoint = "tools")]
pub async fn load_tools(
    slug: String,
    tool: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
) -> Result<ToolsView, UiError> {
    use model::agent::tools::ExecutionStatus;

    let status = ssr::parsed("status", status, ExecutionStatus::parse)?;
    let (services, caller) = ssr::app_caller(&slug).await?;
    let query = model::agent::tools::ExecutionQuery {
        session_id: None,
        tool_name: ssr::given(tool),
        status,
        since: None,
        until: None,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    let (tools, executions) = (
        services.agent().tools(&caller).await?,
        services
            .agent()
            .list_tool_executions(&caller, query)
            .await?,
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
    use model::agent::tools::{RegisterTool, SchemaText, UpdateTool};

    let headers = ssr::header_lines(&tool.headers)?;
    let (services, caller) = ssr::app_caller(&slug).await?;
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
        services.agent().register_tool(&caller, input).await?
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
        services
            .agent()
            .update_tool(&caller, &tool.editing, patch)
            .await?
    };
    Ok(saved)
}

/// Switches a tool on or off: agents cannot call a tool that is off.
#[server(prefix = "/sfn", endpoint = "tool-active")]
pub async fn set_tool_active(slug: String, name: String, active: bool) -> Result<Tool, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    let patch = model::agent::tools::UpdateTool {
        is_active: Some(active),
        ..Default::default()
    };
    Ok(services.agent().update_tool(&caller, &name, patch).await?)
}

/// Deletes a tool; its executions stay in the log.
#[server(prefix = "/sfn", endpoint = "delete-tool")]
pub async fn delete_tool(slug: String, name: String) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().delete_tool(&caller, &name).await?)
}
