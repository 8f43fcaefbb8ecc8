//! Tools: what the agent may call (register, edit, switch off, delete), with the parameters'
//! JSON Schema checked as it is typed, and the log of every call.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::dashboard::ToolsView;
use model::agent::tools::{
    ExecutionStatus, TOOL_TIMEOUT_DEFAULT_MS, TOOL_TIMEOUT_MAX_MS, Tool, ToolExecution,
};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::components::pager::Pager;
use crate::format;
use crate::server_fns::agent::tools::{DeleteTool, SaveTool, SetToolActive, load_tools};

const SCHEMA_HINT: &str =
    r#"{"type": "object", "properties": {"orderId": {"type": "string"}}, "required": ["orderId"]}"#;
const METHODS: [&str; 5] = ["POST", "GET", "PUT", "PATCH", "DELETE"];

#[component]
pub fn ToolsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let save = ServerAction::<SaveTool>::new();
    let active = ServerAction::<SetToolActive>::new();
    let delete = ServerAction::<DeleteTool>::new();
    let tools = Resource::new(
        move || {
            (
                slug(),
                field("tool"),
                field("status"),
                field("cursor"),
                save.version().get(),
                active.version().get(),
                delete.version().get(),
            )
        },
        |(slug, tool, status, cursor, ..)| load_tools(slug, tool, status, cursor),
    );
    let failure = move || {
        last_error(save)
            .or_else(|| last_error(active))
            .or_else(|| last_error(delete))
    };
    view! {
        <Title text="Tools · Switchboard" />
        <header class="page-header">
            <h1>"Tools"</h1>
            <p class="lede">"HTTP endpoints the agent may call. Calls are validated against the schema, signed, time-limited and logged."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <details class="card new-item">
            <summary>"Register a tool"</summary>
            <ToolEditor slug=slug() tool=None save />
        </details>
        <Suspense fallback=|| view! { <p class="muted">"Loading tools…"</p> }>
            {move || Suspend::new(async move {
                match tools.await {
                    Ok(data) => {
                        let filters = ["tool", "status"]
                            .into_iter()
                            .filter_map(|name| field(name).map(|value| (name, value)))
                            .collect();
                        view! { <Tools slug=slug() data filters save active delete /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Tools(
    slug: String,
    data: ToolsView,
    /// The call log's filters in force, kept by its pages.
    filters: Vec<(&'static str, String)>,
    save: ServerAction<SaveTool>,
    active: ServerAction<SetToolActive>,
    delete: ServerAction<DeleteTool>,
) -> impl IntoView {
    let names: Vec<String> = data.tools.iter().map(|t| t.name.clone()).collect();
    let next_cursor = data.executions.next_cursor.clone();
    view! {
        {if data.tools.is_empty() {
            view! {
                <section class="card empty-state">
                    <h2>"No tools yet"</h2>
                    <p class="muted">"Register one above; agents list them with GET /api/tools and call them with POST /api/tools/execute."</p>
                </section>
            }
            .into_any()
        } else {
            view! {
                <ul class="plain-list tool-list" id="tools">
                    {data.tools.into_iter().map(|tool| view! { <ToolCard slug=slug.clone() tool save active delete /> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        <section class="card flush" aria-labelledby="executions-title">
            <h2 id="executions-title" class="card-title">"Calls"</h2>
            <form class="filters inline" method="get">
                <label>
                    "Tool"
                    <select name="tool">
                        <option value="">"Any"</option>
                        {names.into_iter().map(|name| { let label = name.clone(); view! { <option value=name>{label}</option> } }).collect_view()}
                    </select>
                </label>
                <label>
                    "Outcome"
                    <select name="status">
                        <option value="">"Any"</option>
                        {[ExecutionStatus::Success, ExecutionStatus::Error, ExecutionStatus::ValidationError]
                            .into_iter()
                            .map(|s| view! { <option value=s.as_str()>{status_label(s)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button class="button secondary" type="submit">"Filter"</button>
            </form>
            <ExecutionTable slug=slug.clone() executions=data.executions.executions />
        </section>
        <Pager next_cursor filters />
    }
}

#[component]
fn ToolCard(
    slug: String,
    tool: Tool,
    save: ServerAction<SaveTool>,
    active: ServerAction<SetToolActive>,
    delete: ServerAction<DeleteTool>,
) -> impl IntoView {
    let flags = [
        tool.requires_confirmation
            .then_some("asks the caller to confirm"),
        tool.requires_auth.then_some("needs a signed-in caller"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let headers = if tool.header_names.is_empty() {
        "no extra headers".to_owned()
    } else {
        format!("headers: {} (values hidden)", tool.header_names.join(", "))
    };
    let (toggle_to, toggle_label) = if tool.is_active {
        (false, "Switch off")
    } else {
        (true, "Switch on")
    };
    let editor = view! { <ToolEditor slug=slug.clone() tool=Some(tool.clone()) save /> };
    let toggle = {
        let (slug, name) = (slug.clone(), tool.name.clone());
        view! {
            <ActionForm action=active>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="name" value=name />
                <input type="hidden" name="active" value=toggle_to.to_string() />
                <button class="button secondary" type="submit">{toggle_label}</button>
            </ActionForm>
        }
    };
    let remove = {
        let name = tool.name.clone();
        view! {
            <ActionForm action=delete>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="name" value=name />
                <button class="button secondary danger" type="submit">"Delete"</button>
            </ActionForm>
        }
    };
    view! {
        <li class="card tool" data-tool=tool.name.clone()>
            <div class="handoff-head">
                <h2 class="mono">{tool.name.clone()}</h2>
                {if tool.is_active {
                    view! { <span class="badge ok">"on"</span> }.into_any()
                } else {
                    view! { <span class="badge off">"off"</span> }.into_any()
                }}
            </div>
            <p>{tool.description.clone()}</p>
            <p class="mono small">{format!("{} {}", tool.http_method, tool.endpoint)}</p>
            <p class="muted small">
                {format!("times out after {} · {headers}", format::latency(tool.timeout_ms as f64))}
                {(!flags.is_empty()).then(|| format!(" · {flags}"))}
            </p>
            <details class="schema">
                <summary>"Parameters schema"</summary>
                <pre class="code-block">{pretty_json(&tool.parameters_schema)}</pre>
            </details>
            <div class="handoff-actions">
                {toggle}
                {remove}
                <details class="edit-experiment">
                    <summary class="button secondary">"Edit"</summary>
                    {editor}
                </details>
            </div>
        </li>
    }
}

/// The fields of a tool: empty for a new one. The schema is checked as JSON while typed; the
/// server compiles it as a JSON Schema when saved.
#[component]
fn ToolEditor(slug: String, tool: Option<Tool>, save: ServerAction<SaveTool>) -> impl IntoView {
    let editing = tool.as_ref().map(|t| t.name.clone()).unwrap_or_default();
    let schema = tool
        .as_ref()
        .map(|t| pretty_json(&t.parameters_schema))
        .unwrap_or_default();
    let method = tool
        .as_ref()
        .map_or("POST".to_owned(), |t| t.http_method.clone());
    let headers_hint = if tool.is_some() {
        "Leave empty to keep the stored headers"
    } else {
        "Authorization: Bearer …"
    };
    view! {
        <ActionForm action=save attr:class="form tool-form">
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="tool[editing]" value=editing.clone() />
            <div class="form-row">
                <label>
                    "Name"
                    <input type="text" name="tool[name]" required pattern="[A-Za-z_][A-Za-z0-9_-]*" maxlength="64"
                        value=editing.clone() readonly=!editing.is_empty() placeholder="lookup_order" />
                </label>
                <label>
                    "Method"
                    <select name="tool[http_method]">
                        {METHODS.into_iter().map(|m| view! { <option value=m selected=m == method>{m}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    "Timeout (ms)"
                    <input type="number" name="tool[timeout_ms]" min="1000" max=TOOL_TIMEOUT_MAX_MS
                        value=tool.as_ref().map_or(TOOL_TIMEOUT_DEFAULT_MS, |t| t.timeout_ms) />
                </label>
            </div>
            <label>"Description" <input type="text" name="tool[description]" required value=tool.as_ref().map(|t| t.description.clone()).unwrap_or_default() placeholder="Looks up an order by its id" /></label>
            <label>"Endpoint" <input type="url" name="tool[endpoint]" required value=tool.as_ref().map(|t| t.endpoint.clone()).unwrap_or_default() placeholder="https://api.example.com/orders" /></label>
            <SchemaField schema />
            <label>"Headers, one a line" <textarea name="tool[headers]" rows="2" class="mono" placeholder=headers_hint></textarea></label>
            <div class="form-row">
                <label class="checkbox"><input type="checkbox" name="tool[requires_confirmation]" value="on" checked=tool.as_ref().is_some_and(|t| t.requires_confirmation) />" Ask the caller to confirm"</label>
                <label class="checkbox"><input type="checkbox" name="tool[requires_auth]" value="on" checked=tool.as_ref().is_some_and(|t| t.requires_auth) />" Needs a signed-in caller"</label>
            </div>
            <button class="button" type="submit">{if editing.is_empty() { "Register tool" } else { "Save tool" }}</button>
        </ActionForm>
    }
}

/// The schema box, checked as JSON while typed: an island, the only live part of the form.
#[island]
fn SchemaField(schema: String) -> impl IntoView {
    let schema = RwSignal::new(schema);
    let state = move || {
        let text = schema.get();
        if text.trim().is_empty() {
            return ("muted small", "Write a JSON Schema object.".to_owned());
        }
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(_)) => ("small ok-text", "Valid JSON object.".to_owned()),
            Ok(_) => (
                "small error-text",
                "A schema must be a JSON object.".to_owned(),
            ),
            Err(error) => ("small error-text", format!("Not JSON yet: {error}")),
        }
    };
    view! {
        <label>
            "Parameters (JSON Schema)"
            <textarea name="tool[parameters_schema]" rows="6" class="mono" required placeholder=SCHEMA_HINT bind:value=schema></textarea>
        </label>
        <p class=move || state().0 aria-live="polite">{move || state().1}</p>
    }
}

#[component]
fn ExecutionTable(slug: String, executions: Vec<ToolExecution>) -> impl IntoView {
    if executions.is_empty() {
        return view! { <p class="muted card-title">"No call recorded."</p> }.into_any();
    }
    view! {
        <table class="table" id="tool-executions">
            <thead>
                <tr>
                    <th scope="col">"At (UTC)"</th>
                    <th scope="col">"Tool"</th>
                    <th scope="col">"Session"</th>
                    <th scope="col">"Outcome"</th>
                    <th scope="col">"HTTP"</th>
                    <th scope="col">"Duration"</th>
                </tr>
            </thead>
            <tbody>
                {executions.into_iter().map(|e| {
                    let session = format!("/apps/{slug}/conversations/{}", e.session_id);
                    let class = match e.status {
                        ExecutionStatus::Success => "badge ok",
                        ExecutionStatus::Error => "badge error",
                        ExecutionStatus::ValidationError => "badge warn",
                    };
                    view! {
                        <tr>
                            <td>{format::utc_minutes(e.executed_at)}</td>
                            <th scope="row" class="mono">{e.tool_name}</th>
                            <td><a class="mono" href=session>{e.session_id}</a></td>
                            <td>
                                <span class=class>{status_label(e.status)}</span>
                                {e.result.error.map(|error| view! { <div class="muted small">{error}</div> })}
                            </td>
                            <td>{e.http_status.map_or_else(|| "—".to_owned(), |s| s.to_string())}</td>
                            <td>{format::latency(e.duration_ms as f64)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn status_label(status: ExecutionStatus) -> &'static str {
    match status {
        ExecutionStatus::Success => "success",
        ExecutionStatus::Error => "failed",
        ExecutionStatus::ValidationError => "invalid parameters",
    }
}

/// Stored schema text, indented for reading (as stored when it is not JSON).
fn pretty_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| text.to_owned())
}
