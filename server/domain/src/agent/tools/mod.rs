//! Tools: a registry of HTTP endpoints an agent may call, and their execution — validated
//! against a real JSON Schema validator, rate-limited per session atomically, called through the
//! SSRF-guarded outbound client with a signature, and recorded.

mod execution;
mod headers;

use std::time::{Duration, Instant};

use model::agent::conversations::MAX_NAME_CHARS;
use model::agent::tools::ExecutionQuery;
use model::agent::tools::{
    ExecuteTool, ExecutionStatus, HeadersText, PublicTool, RegisterTool, SchemaText,
    TOOL_TIMEOUT_DEFAULT_MS, TOOL_TIMEOUT_MAX_MS, Tool, ToolExecution, ToolExecutionPage,
    ToolResult, UpdateTool,
};
use model::platform::users::Permission;
use serde_json::{Map, Value};
use store::{ExecutionFilter, StoreError, ToolExecutionRecord, ToolRecord};

use crate::agent::Agent;
use crate::ids::new_id;
use crate::platform::outbound::{OutboundError, OutboundRequest, signature_headers};
use crate::validation::{Checks, Paging};
use crate::{Caller, Error, Result, Services};

/// Largest endpoint answer read; a larger one fails the call.
const MAX_TOOL_ANSWER_BYTES: usize = 256 * 1024;
const MAX_SCHEMA_BYTES: usize = 64 * 1024;
const MAX_DESCRIPTION_CHARS: usize = 4_000;
/// The window `maxActionsPerTurn` counts in.
const ACTION_WINDOW_MS: i64 = 60_000;
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
/// Path words under `/api/tools/` that name endpoints, not tools.
const RESERVED_NAMES: [&str; 3] = ["execute", "executions", "all"];
/// Headers the platform sets itself.
const PLATFORM_HEADERS: [&str; 5] = [
    "content-type",
    "content-length",
    "host",
    "x-switchboard-signature",
    "x-switchboard-timestamp",
];

impl Agent<'_> {
    /// Registers a tool, or replaces (and re-activates) the one of the same name. Needs the app
    /// secret.
    pub async fn register_tool(&self, caller: &Caller, input: RegisterTool) -> Result<Tool> {
        caller.require(Permission::ToolsManage)?;
        let mut checks = Checks::new();
        let name = input.name.trim().to_owned();
        check_name(&name, &mut checks);
        let endpoint = match input.endpoint.as_deref().map(str::trim) {
            Some(endpoint) if !endpoint.is_empty() => endpoint.to_owned(),
            _ => {
                checks.fail("endpoint", "Active tools must have an endpoint");
                String::new()
            }
        };
        let fields = ToolFields {
            description: input.description,
            schema: input.parameters_schema,
            endpoint,
            headers: input.headers,
            method: input.http_method,
            timeout_ms: input.timeout_ms,
        };
        let checked = self.check_fields(fields, &mut checks);
        checks.finish()?;
        let checked = checked.ok_or_else(|| Error::Internal("unchecked tool".into()))?;
        let headers = self.seal_headers(&caller.app.id, &name, checked.headers)?;
        let now = self.now_ms();
        let record = self
            .store()
            .upsert_tool(&ToolRecord {
                id: new_id(),
                app_id: caller.app.id.clone(),
                name,
                description: checked.description,
                parameters_schema: checked.schema,
                endpoint: checked.endpoint,
                http_method: checked.method,
                headers,
                timeout_ms: checked.timeout_ms,
                requires_confirmation: input.requires_confirmation.unwrap_or(false),
                requires_auth: input.requires_auth.unwrap_or(false),
                is_active: true,
                created_at: now,
                updated_at: now,
            })
            .await?;
        let tool = to_tool(record);
        self.audit_tool(caller, "tool.registered", &tool).await?;
        Ok(tool)
    }

    /// Changes the fields present. Needs the app secret.
    pub async fn update_tool(
        &self,
        caller: &Caller,
        name: &str,
        patch: UpdateTool,
    ) -> Result<Tool> {
        caller.require(Permission::ToolsManage)?;
        let current = self.tool_record(caller, name).await?;
        let mut checks = Checks::new();
        let fields = ToolFields {
            description: patch.description.unwrap_or(current.description.clone()),
            schema: patch
                .parameters_schema
                .unwrap_or(SchemaText::Text(current.parameters_schema.clone())),
            endpoint: patch.endpoint.unwrap_or(current.endpoint.clone()),
            headers: match patch.headers {
                Some(headers) => Some(headers),
                None => self
                    .open_headers(&caller.app.id, &current)?
                    .map(HeadersText::Object),
            },
            method: Some(patch.http_method.unwrap_or(current.http_method.clone())),
            timeout_ms: Some(patch.timeout_ms.unwrap_or(current.timeout_ms)),
        };
        let checked = self.check_fields(fields, &mut checks);
        checks.finish()?;
        let checked = checked.ok_or_else(|| Error::Internal("unchecked tool".into()))?;
        let headers = self.seal_headers(&caller.app.id, &current.name, checked.headers)?;
        let record = self
            .store()
            .upsert_tool(&ToolRecord {
                description: checked.description,
                parameters_schema: checked.schema,
                endpoint: checked.endpoint,
                http_method: checked.method,
                headers,
                timeout_ms: checked.timeout_ms,
                requires_confirmation: patch
                    .requires_confirmation
                    .unwrap_or(current.requires_confirmation),
                requires_auth: patch.requires_auth.unwrap_or(current.requires_auth),
                is_active: patch.is_active.unwrap_or(current.is_active),
                updated_at: self.now_ms(),
                ..current
            })
            .await?;
        let tool = to_tool(record);
        self.audit_tool(caller, "tool.updated", &tool).await?;
        Ok(tool)
    }

    /// Deletes a tool; its executions stay recorded. Needs the app secret.
    pub async fn delete_tool(&self, caller: &Caller, name: &str) -> Result<()> {
        caller.require(Permission::ToolsManage)?;
        self.store()
            .delete_tool(&caller.app.id, name)
            .await
            .map_err(|err| match err {
                StoreError::NotFound => Error::NotFound("tool"),
                other => Error::from(other),
            })?;
        self.audit_change(caller, "tool.deleted", "tool", Some(name.to_owned()), None)
            .await
    }

    /// The active tools, with what an agent needs only. Session tokens and a call's agent may
    /// call it.
    pub async fn public_tools(&self, caller: &Caller) -> Result<Vec<PublicTool>> {
        caller.permit_agent(Permission::AppsRead)?;
        let records = self.store().list_tools(&caller.app.id, true).await?;
        Ok(records
            .into_iter()
            .map(|r| PublicTool {
                name: r.name,
                description: r.description,
                parameters_schema: r.parameters_schema,
                requires_confirmation: r.requires_confirmation,
                requires_auth: r.requires_auth,
            })
            .collect())
    }

    /// Every tool, active or not, without header values. Needs the app secret.
    pub async fn tools(&self, caller: &Caller) -> Result<Vec<Tool>> {
        caller.require(Permission::ToolsManage)?;
        let records = self.store().list_tools(&caller.app.id, false).await?;
        Ok(records.into_iter().map(to_tool).collect())
    }

    pub async fn tool(&self, caller: &Caller, name: &str) -> Result<Tool> {
        caller.require(Permission::ToolsManage)?;
        Ok(to_tool(self.tool_record(caller, name).await?))
    }

    /// The app's tool calls, newest first. Needs the app secret.
    pub async fn list_tool_executions(
        &self,
        caller: &Caller,
        query: ExecutionQuery,
    ) -> Result<ToolExecutionPage> {
        caller.require(Permission::ToolsManage)?;
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 50, 200)?;
        let filter = ExecutionFilter {
            session_id: query.session_id,
            tool_name: query.tool_name,
            status: query.status.map(|s| s.as_str().to_owned()),
            since: query.since,
            until: query.until,
        };
        let records = self
            .store()
            .list_tool_executions(&caller.app.id, &filter, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |e| (e.executed_at, e.id.as_str()));
        Ok(ToolExecutionPage {
            executions: records.into_iter().map(to_execution).collect(),
            next_cursor,
        })
    }
}

impl Services {
    /// Records a tool's registration or change: what it calls, and its header names (never
    /// their values).
    async fn audit_tool(&self, caller: &Caller, action: &'static str, tool: &Tool) -> Result<()> {
        let details = serde_json::json!({
            "endpoint": tool.endpoint,
            "httpMethod": tool.http_method,
            "headerNames": tool.header_names,
            "isActive": tool.is_active,
        });
        self.audit_change(
            caller,
            action,
            "tool",
            Some(tool.name.clone()),
            Some(details),
        )
        .await
    }

    async fn tool_record(&self, caller: &Caller, name: &str) -> Result<ToolRecord> {
        self.store()
            .tool(&caller.app.id, name)
            .await?
            .ok_or(Error::NotFound("tool"))
    }

    /// Checks a tool's fields, recording problems; `None` when any failed.
    fn check_fields(&self, fields: ToolFields, checks: &mut Checks) -> Option<CheckedFields> {
        let description = fields.description.trim().to_owned();
        checks.text("description", &description, 1, MAX_DESCRIPTION_CHARS);
        let schema = match fields.schema {
            SchemaText::Text(text) => text,
            SchemaText::Object(map) => Value::Object(map).to_string(),
        };
        if schema.len() > MAX_SCHEMA_BYTES {
            checks.fail(
                "parametersSchema",
                format!("must be at most {MAX_SCHEMA_BYTES} bytes"),
            );
        } else if let Err(problem) = compile_schema(&schema) {
            checks.fail("parametersSchema", problem);
        }
        if !fields.endpoint.is_empty()
            && let Err(problem) = crate::platform::outbound::check(
                &fields.endpoint,
                &self.integrations().outbound_allowed_hosts,
            )
        {
            checks.fail("endpoint", problem.to_string());
        }
        let method = fields
            .method
            .map(|m| m.trim().to_ascii_uppercase())
            .unwrap_or_else(|| "POST".to_owned());
        if !METHODS.contains(&method.as_str()) {
            checks.fail(
                "httpMethod",
                format!("must be one of {}", METHODS.join(", ")),
            );
        }
        let timeout_ms = fields.timeout_ms.unwrap_or(TOOL_TIMEOUT_DEFAULT_MS);
        if !(1_000..=TOOL_TIMEOUT_MAX_MS).contains(&timeout_ms) {
            checks.fail(
                "timeoutMs",
                format!("must be between 1000 and {TOOL_TIMEOUT_MAX_MS}"),
            );
        }
        let headers = match fields.headers {
            None => None,
            Some(HeadersText::Text(text)) if text.trim().is_empty() => None,
            Some(HeadersText::Text(text)) => {
                match serde_json::from_str::<Map<String, Value>>(&text) {
                    Ok(map) => Some(map),
                    Err(_) => {
                        checks.fail(
                            "headers",
                            "must be a JSON object of header names to strings",
                        );
                        None
                    }
                }
            }
            Some(HeadersText::Object(map)) => Some(map),
        };
        if let Some(headers) = &headers {
            headers::check_headers(headers, checks);
        }
        checks.is_empty().then_some(CheckedFields {
            description,
            schema,
            endpoint: fields.endpoint,
            headers,
            method,
            timeout_ms,
        })
    }
}

struct ToolFields {
    description: String,
    schema: SchemaText,
    endpoint: String,
    headers: Option<HeadersText>,
    method: Option<String>,
    timeout_ms: Option<i64>,
}

struct CheckedFields {
    description: String,
    schema: String,
    endpoint: String,
    headers: Option<Map<String, Value>>,
    method: String,
    timeout_ms: i64,
}

fn check_name(name: &str, checks: &mut Checks) {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name.len() <= 64;
    if !valid {
        checks.fail(
            "name",
            "must be 1–64 letters, digits, '_' or '-', starting with a letter or '_'",
        );
    } else if RESERVED_NAMES.contains(&name) {
        checks.fail("name", format!("\"{name}\" is reserved"));
    }
}

/// Compiles a schema text, or says why it cannot be used.
fn compile_schema(text: &str) -> std::result::Result<jsonschema::Validator, String> {
    let schema: Value = serde_json::from_str(text).map_err(|err| format!("is not JSON: {err}"))?;
    if !schema.is_object() {
        return Err("must be a JSON Schema object".to_owned());
    }
    jsonschema::validator_for(&schema).map_err(|err| format!("is not a valid JSON Schema: {err}"))
}

fn to_tool(record: ToolRecord) -> Tool {
    let mut header_names: Vec<String> = record
        .headers
        .iter()
        .flat_map(|map| map.keys().cloned())
        .collect();
    header_names.sort();
    Tool {
        id: record.id,
        name: record.name,
        description: record.description,
        parameters_schema: record.parameters_schema,
        endpoint: record.endpoint,
        http_method: record.http_method,
        header_names,
        timeout_ms: record.timeout_ms,
        requires_confirmation: record.requires_confirmation,
        requires_auth: record.requires_auth,
        is_active: record.is_active,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

pub(crate) fn to_execution(record: ToolExecutionRecord) -> ToolExecution {
    ToolExecution {
        result: serde_json::from_value(record.result).unwrap_or(ToolResult {
            success: false,
            data: None,
            error: None,
        }),
        status: ExecutionStatus::parse(&record.status).unwrap_or(ExecutionStatus::Error),
        id: record.id,
        session_id: record.session_id,
        tool_name: record.tool_name,
        parameters: record.parameters,
        http_status: record.http_status,
        executed_at: record.executed_at,
        duration_ms: record.duration_ms,
        trace_id: record.trace_id,
        span_id: record.span_id,
    }
}

#[cfg(test)]
mod tests {
    use super::execution::{validate_parameters, with_query};
    use super::*;
    use serde_json::json;

    #[test]
    fn parameters_are_checked_by_a_real_json_schema_validator() {
        let schema = json!({
            "type": "object",
            "properties": {
                "orderId": {"type": "string", "pattern": "^ORD-\\d+$"},
                "quantity": {"type": "integer", "minimum": 1},
                "mode": {"enum": ["fast", "slow"]}
            },
            "required": ["orderId"],
            "additionalProperties": false
        })
        .to_string();
        assert!(validate_parameters(&schema, &json!({"orderId": "ORD-456"})).is_ok());
        for bad in [
            json!({}),
            json!({"orderId": 456}),
            json!({"orderId": "456"}),
            json!({"orderId": "ORD-1", "quantity": 1.5}),
            json!({"orderId": "ORD-1", "mode": "warp"}),
            json!({"orderId": "ORD-1", "extra": true}),
        ] {
            assert!(validate_parameters(&schema, &bad).is_err(), "{bad}");
        }
        let problem = validate_parameters(&schema, &json!({"orderId": 1})).unwrap_err();
        assert!(problem.starts_with("/orderId"), "{problem}");
    }

    #[test]
    fn schemas_must_compile() {
        assert!(compile_schema("{\"type\":\"object\"}").is_ok());
        assert!(compile_schema("not json").is_err());
        assert!(compile_schema("[]").is_err());
        assert!(compile_schema("{\"type\":\"nonsense\"}").is_err());
        assert!(compile_schema("{\"$ref\":\"https://example.com/remote.json\"}").is_err());
    }

    #[test]
    fn get_parameters_travel_in_the_query() {
        let url = with_query(
            "https://api.example.com/orders?v=2",
            &json!({"orderId": "ORD 1", "n": 3}),
        )
        .unwrap();
        assert_eq!(url, "https://api.example.com/orders?v=2&n=3&orderId=ORD+1");
    }
}
