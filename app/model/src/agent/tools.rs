//! Tools an agent may call (seed 000's `/api/tools`), and their executions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Default and bounds of a tool call's timeout, in ms.
pub const TOOL_TIMEOUT_DEFAULT_MS: i64 = 10_000;
pub const TOOL_TIMEOUT_MAX_MS: i64 = 30_000;

/// A JSON Schema as seed 000 sends it (a string) or as an object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SchemaText {
    Text(String),
    Object(Map<String, Value>),
}

/// Extra request headers, as seed 000 sends them (a JSON string) or as an object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum HeadersText {
    Text(String),
    Object(Map<String, Value>),
}

/// `POST /api/tools`: registers a tool, or replaces the one of the same name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RegisterTool {
    /// Letters, digits, `_` and `-`, starting with a letter or `_` (a function name).
    pub name: String,
    pub description: String,
    /// A JSON Schema object; it must compile.
    pub parameters_schema: SchemaText,
    /// The http(s) URL called with the parameters.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Never returned by any endpoint.
    #[serde(default)]
    pub headers: Option<HeadersText>,
    /// GET, POST, PUT, PATCH or DELETE; default POST.
    #[serde(default)]
    pub http_method: Option<String>,
    /// 1,000 to 30,000; default 10,000.
    #[serde(default)]
    pub timeout_ms: Option<i64>,
    #[serde(default)]
    pub requires_confirmation: Option<bool>,
    #[serde(default)]
    pub requires_auth: Option<bool>,
}

/// `PATCH /api/tools/{name}`: the fields present change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateTool {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parameters_schema: Option<SchemaText>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub headers: Option<HeadersText>,
    #[serde(default)]
    pub http_method: Option<String>,
    #[serde(default)]
    pub timeout_ms: Option<i64>,
    #[serde(default)]
    pub requires_confirmation: Option<bool>,
    #[serde(default)]
    pub requires_auth: Option<bool>,
    #[serde(default)]
    pub is_active: Option<bool>,
}

/// What an agent needs of a tool (`GET /api/tools`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicTool {
    pub name: String,
    pub description: String,
    /// The JSON Schema, as a string (seed 000).
    pub parameters_schema: String,
    pub requires_confirmation: bool,
    pub requires_auth: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicToolList {
    pub tools: Vec<PublicTool>,
}

/// A tool as its owner sees it: everything but the header values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    pub id: String,
    pub name: String,
    pub description: String,
    pub parameters_schema: String,
    pub endpoint: String,
    pub http_method: String,
    /// The names of the stored headers; their values are never shown.
    pub header_names: Vec<String>,
    pub timeout_ms: i64,
    pub requires_confirmation: bool,
    pub requires_auth: bool,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolList {
    pub tools: Vec<Tool>,
}

/// `POST /api/tools/execute`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExecuteTool {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub tool_name: String,
    #[serde(default)]
    pub parameters: Option<Value>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub span_id: Option<String>,
}

/// The outcome, in-band as seed 000 answers it: `{success: true, data}` or
/// `{success: false, error, data?}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolResult {
    pub success: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Filters of `GET /api/tools/executions`; times are ms since the epoch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ExecutionQuery {
    pub session_id: Option<String>,
    pub tool_name: Option<String>,
    pub status: Option<ExecutionStatus>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExecutionStatus {
    Success,
    Error,
    ValidationError,
}

impl ExecutionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Success => "success",
            ExecutionStatus::Error => "error",
            ExecutionStatus::ValidationError => "validation_error",
        }
    }

    pub fn parse(value: &str) -> Option<ExecutionStatus> {
        [Self::Success, Self::Error, Self::ValidationError]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ToolExecution {
    pub id: String,
    pub session_id: String,
    pub tool_name: String,
    pub parameters: Value,
    pub result: ToolResult,
    pub status: ExecutionStatus,
    /// The endpoint's HTTP status, when it answered.
    pub http_status: Option<i64>,
    pub executed_at: i64,
    pub duration_ms: i64,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ToolExecutionPage {
    pub executions: Vec<ToolExecution>,
    pub next_cursor: Option<String>,
}
