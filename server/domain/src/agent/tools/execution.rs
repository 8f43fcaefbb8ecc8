//! Running a tool: parameters checked against its schema, the per-turn action limit, the
//! signed call through the SSRF guard, and its record.

use super::*;
use crate::RatePolicy;
use crate::agent::Agent;
use crate::platform::outbound::OutboundTarget;

impl Agent<'_> {
    /// Calls a tool for a session. Failures of the call are answered in-band
    /// (`{success: false, error}`) as seed 000 does; only a session over `maxActionsPerTurn`
    /// calls a minute is refused (429). Every call is recorded. Session tokens may call it, and a
    /// call's agent for its own session.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn execute_tool(&self, caller: &Caller, input: ExecuteTool) -> Result<ToolResult> {
        caller.permit_agent(Permission::AppsRead)?;
        let mut checks = Checks::new();
        checks.text("sessionId", &input.session_id, 1, MAX_NAME_CHARS);
        checks.text("toolName", &input.tool_name, 1, MAX_NAME_CHARS);
        checks.optional_text("traceId", input.trace_id.as_deref(), MAX_NAME_CHARS);
        checks.optional_text("spanId", input.span_id.as_deref(), MAX_NAME_CHARS);
        checks.finish()?;
        caller.require_own_session(&input.session_id)?;
        if let Some(limit) = caller.app.settings.max_actions_per_turn {
            self.count_action(caller, &input.session_id, limit).await?;
        }
        let started = Instant::now();
        let executed_at = self.now_ms();
        let parameters = input
            .parameters
            .clone()
            .unwrap_or(Value::Object(Map::new()));
        let (status, result, http_status) = self.run_tool(caller, &input, &parameters).await;
        let record = ToolExecutionRecord {
            id: new_id(),
            app_id: caller.app.id.clone(),
            session_id: input.session_id,
            tool_name: input.tool_name,
            parameters,
            result: serde_json::to_value(&result).unwrap_or(Value::Null),
            status: status.as_str().to_owned(),
            http_status,
            executed_at,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            trace_id: input.trace_id,
            span_id: input.span_id,
        };
        self.store().insert_tool_execution(&record).await?;
        Ok(result)
    }
}

impl Services {
    /// One more action for the session in this minute's window; 429 past the limit. Atomic
    /// across concurrent calls and instances.
    async fn count_action(&self, caller: &Caller, session_id: &str, limit: i64) -> Result<()> {
        let policy = RatePolicy::new("tool-actions", limit, ACTION_WINDOW_MS);
        let subject = format!("{}:{session_id}", caller.app.id);
        let decision = self.platform().hit_rate_limit(&policy, &subject).await?;
        if decision.allowed {
            Ok(())
        } else {
            Err(Error::RateLimited(decision))
        }
    }

    /// Looks the tool up, validates, calls: the status to record, the result, the HTTP status.
    async fn run_tool(
        &self,
        caller: &Caller,
        input: &ExecuteTool,
        parameters: &Value,
    ) -> (ExecutionStatus, ToolResult, Option<i64>) {
        let failure = |status, error: String| {
            (
                status,
                ToolResult {
                    success: false,
                    data: None,
                    error: Some(error),
                },
                None,
            )
        };
        let tool = match self.store().tool(&caller.app.id, &input.tool_name).await {
            Ok(Some(tool)) if tool.is_active => tool,
            Ok(_) => {
                return failure(
                    ExecutionStatus::Error,
                    format!("Tool \"{}\" not found", input.tool_name),
                );
            }
            Err(err) => {
                return failure(ExecutionStatus::Error, format!("Tool lookup failed: {err}"));
            }
        };
        if let Err(problem) = validate_parameters(&tool.parameters_schema, parameters) {
            return failure(
                ExecutionStatus::ValidationError,
                format!("Parameter validation failed: {problem}"),
            );
        }
        match self
            .call_endpoint(caller, &tool, &input.session_id, parameters)
            .await
        {
            Ok((status, data)) => {
                let success = (200..300).contains(&status);
                (
                    if success {
                        ExecutionStatus::Success
                    } else {
                        ExecutionStatus::Error
                    },
                    ToolResult {
                        success,
                        error: (!success).then(|| format!("Tool endpoint answered HTTP {status}")),
                        data: Some(data),
                    },
                    Some(i64::from(status)),
                )
            }
            Err(err) => failure(ExecutionStatus::Error, format!("Tool call failed: {err}")),
        }
    }

    async fn call_endpoint(
        &self,
        caller: &Caller,
        tool: &ToolRecord,
        session_id: &str,
        parameters: &Value,
    ) -> std::result::Result<(u16, Value), OutboundError> {
        let method = tool.http_method.to_ascii_uppercase();
        let is_get = method == "GET";
        // GET carries the parameters in the query; every other method as a JSON body.
        let (url, body) = if is_get {
            (with_query(&tool.endpoint, parameters)?, Vec::new())
        } else {
            (
                tool.endpoint.clone(),
                serde_json::to_vec(parameters).map_err(|e| OutboundError::Failed(e.to_string()))?,
            )
        };
        let secret = self
            .app_signing_secret(&caller.app.id)
            .await
            .map_err(|e| OutboundError::Failed(e.to_string()))?;
        let mut headers: Vec<(String, String)> = self
            .open_headers(&caller.app.id, tool)
            .map_err(|e| OutboundError::Failed(e.to_string()))?
            .into_iter()
            .flatten()
            .filter_map(|(name, value)| Some((name, value.as_str()?.to_owned())))
            .collect();
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        headers.push(("X-Switchboard-Session".to_owned(), session_id.to_owned()));
        headers.push(("X-Switchboard-Tool".to_owned(), tool.name.clone()));
        headers.extend(signature_headers(&secret, self.now_ms(), &body));
        let answer = self
            .ports()
            .http
            .send(OutboundRequest {
                target: OutboundTarget::Tool,
                method,
                url,
                headers,
                body: (!is_get).then_some(body),
                timeout: Duration::from_millis(u64::try_from(tool.timeout_ms).unwrap_or(10_000)),
                max_response_bytes: MAX_TOOL_ANSWER_BYTES,
            })
            .await?;
        let data = serde_json::from_slice::<Value>(&answer.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&answer.body).into_owned()));
        Ok((answer.status, data))
    }
}

/// Checks parameters against the tool's schema; fails closed if the schema no longer compiles.
pub(super) fn validate_parameters(
    schema: &str,
    parameters: &Value,
) -> std::result::Result<(), String> {
    let validator = compile_schema(schema)?;
    let problems: Vec<String> = validator
        .iter_errors(parameters)
        .take(10)
        .map(|err| {
            let path = err.instance_path().to_string();
            if path.is_empty() {
                err.to_string()
            } else {
                format!("{path}: {err}")
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// `endpoint` with top-level scalar parameters added to its query string.
pub(super) fn with_query(
    endpoint: &str,
    parameters: &Value,
) -> std::result::Result<String, OutboundError> {
    let mut url = url::Url::parse(endpoint)
        .map_err(|err| OutboundError::Refused(format!("bad URL: {err}")))?;
    if let Value::Object(map) = parameters {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in map {
            match value {
                Value::String(text) => pairs.append_pair(name, text),
                Value::Null => pairs.append_pair(name, ""),
                other => pairs.append_pair(name, &other.to_string()),
            };
        }
    }
    Ok(url.to_string())
}
