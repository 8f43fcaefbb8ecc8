//! Guardrails: the app's rules (add, edit, switch off, delete), a box that tests a text against
//! them without recording anything, and the violations with true/false-positive verdicts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::dashboard::GuardrailsView;
use model::agent::guardrails::{
    Correctness, GuardrailAction, GuardrailRule, GuardrailType, Violation,
};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::components::pager::Pager;
use crate::format;
use crate::server_fns::agent::guardrails::{
    DeleteRule, JudgeViolation, SaveRule, TryGuardrails, load_guardrails,
};

#[component]
pub fn GuardrailsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let cursor = move || query.read().get("cursor").filter(|c| !c.is_empty());
    let save = ServerAction::<SaveRule>::new();
    let delete = ServerAction::<DeleteRule>::new();
    let judge = ServerAction::<JudgeViolation>::new();
    let view_data = Resource::new(
        move || {
            (
                slug(),
                cursor(),
                save.version().get(),
                delete.version().get(),
                judge.version().get(),
            )
        },
        |(slug, cursor, ..)| load_guardrails(slug, cursor),
    );
    let failure = move || {
        last_error(save)
            .or_else(|| last_error(delete))
            .or_else(|| last_error(judge))
    };
    view! {
        <Title text="Guardrails · Switchboard" />
        <header class="page-header">
            <h1>"Guardrails"</h1>
            <p class="lede">"Rules every message is checked against, in and out. A block rule stops the message; warn and log only record it."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading guardrails…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(data) => view! { <Guardrails slug=slug() data save delete judge /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Guardrails(
    slug: String,
    data: GuardrailsView,
    save: ServerAction<SaveRule>,
    delete: ServerAction<DeleteRule>,
    judge: ServerAction<JudgeViolation>,
) -> impl IntoView {
    let GuardrailsView {
        enabled,
        rules,
        violations,
    } = data;
    let next_cursor = violations.next_cursor.clone();
    view! {
        <p class=if enabled { "switch-state on" } else { "switch-state off" } id="guardrails-state">
            {if enabled {
                "Checks are on for this app: POST /api/guardrails/check applies the active rules."
            } else {
                "Checks are off for this app (guardrailsEnabled is false): the API allows every message. Rules can still be tested here."
            }}
        </p>
        <div class="detail-layout">
            <section class="card flush" aria-labelledby="rules-title">
                <h2 id="rules-title" class="card-title">{format!("Rules ({})", rules.len())}</h2>
                {if rules.is_empty() {
                    view! { <p class="muted card-title">"No rule yet: add one below."</p> }.into_any()
                } else {
                    view! {
                        <table class="table" id="guardrail-rules">
                            <thead>
                                <tr>
                                    <th scope="col">"Type"</th>
                                    <th scope="col">"Pattern"</th>
                                    <th scope="col">"Action"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col"><span class="visually-hidden">"Changes"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rules
                                    .into_iter()
                                    .map(|rule| view! { <RuleRow slug=slug.clone() rule save delete /> })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
                <details class="new-rule">
                    <summary class="button secondary">"Add a rule"</summary>
                    <RuleForm slug=slug.clone() rule=None save />
                </details>
            </section>
            <GuardrailTester slug=slug.clone() />
        </div>
        <section class="card flush" aria-labelledby="violations-title">
            <h2 id="violations-title" class="card-title">"Violations"</h2>
            {if violations.violations.is_empty() {
                view! { <p class="muted card-title">"No message has broken a rule."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="violations">
                        <thead>
                            <tr>
                                <th scope="col">"At (UTC)"</th>
                                <th scope="col">"Session"</th>
                                <th scope="col">"Rule"</th>
                                <th scope="col">"Message"</th>
                                <th scope="col">"Verdict"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {violations
                                .violations
                                .into_iter()
                                .map(|violation| view! { <ViolationRow slug=slug.clone() violation judge /> })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <Pager next_cursor />
    }
}

#[component]
fn RuleRow(
    slug: String,
    rule: GuardrailRule,
    save: ServerAction<SaveRule>,
    delete: ServerAction<DeleteRule>,
) -> impl IntoView {
    let id = rule.id.clone();
    view! {
        <tr>
            <td>{type_label(rule.r#type)}</td>
            <td class="mono pattern">
                {rule.pattern.clone()}
                {rule.user_message.clone().map(|m| view! { <div class="muted small">{format!("Says: {m}")}</div> })}
            </td>
            <td><span class=action_badge(rule.action)>{rule.action.as_str()}</span></td>
            <td>{if rule.is_active { "active" } else { "off" }}</td>
            <td class="row-actions">
                <details>
                    <summary class="link">"Edit"</summary>
                    <RuleForm slug=slug.clone() rule=Some(rule.clone()) save />
                </details>
                <ActionForm action=delete>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="rule_id" value=id />
                    <button class="link-button danger" type="submit">"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// The fields of a rule: empty for a new one.
#[component]
fn RuleForm(
    slug: String,
    rule: Option<GuardrailRule>,
    save: ServerAction<SaveRule>,
) -> impl IntoView {
    let kind = rule
        .as_ref()
        .map_or(GuardrailType::BlockedTopic, |r| r.r#type);
    let action = rule.as_ref().map_or(GuardrailAction::Block, |r| r.action);
    let active = rule.as_ref().is_none_or(|r| r.is_active);
    let submit = if rule.is_some() {
        "Save rule"
    } else {
        "Add rule"
    };
    view! {
        <ActionForm action=save attr:class="form rule-form">
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="rule_id" value=rule.as_ref().map(|r| r.id.clone()).unwrap_or_default() />
            <div class="form-row">
                <label>
                    "Type"
                    <select name="kind">
                        {GuardrailType::ALL
                            .into_iter()
                            .map(|t| view! { <option value=t.as_str() selected=t == kind>{type_label(t)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Action"
                    <select name="action">
                        {GuardrailAction::ALL
                            .into_iter()
                            .map(|a| view! { <option value=a.as_str() selected=a == action>{a.as_str()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <label>
                "Pattern: keywords separated by commas; for personal data, presets (email, phone, ssn, credit_card) or a regular expression"
                <input type="text" name="pattern" required value=rule.as_ref().map(|r| r.pattern.clone()).unwrap_or_default() />
            </label>
            <label>
                "What the agent says instead (optional)"
                <input type="text" name="user_message" value=rule.as_ref().and_then(|r| r.user_message.clone()).unwrap_or_default() />
            </label>
            <label class="checkbox"><input type="checkbox" name="active" value="on" checked=active />" Active"</label>
            <button class="button" type="submit">{submit}</button>
        </ActionForm>
    }
}

/// Checks a text against the rules without recording a violation.
#[island]
fn GuardrailTester(slug: String) -> impl IntoView {
    let test = ServerAction::<TryGuardrails>::new();
    view! {
        <aside class="card" aria-labelledby="test-title">
            <h2 id="test-title">"Test this text"</h2>
            <p class="muted small">"Runs the active rules on a text. Nothing is recorded."</p>
            <ActionForm action=test attr:class="form" attr:id="guardrail-test">
                <input type="hidden" name="slug" value=slug />
                <label>"Text" <textarea name="content" rows="4" required placeholder="My card is 4111 1111 1111 1111"></textarea></label>
                <button class="button" type="submit">"Check"</button>
            </ActionForm>
            <div id="guardrail-verdict" aria-live="polite">
                {move || test.value().get().map(|outcome| match outcome {
                    Ok(verdict) if verdict.violations.is_empty() => view! {
                        <p class="notice ok">"Allowed: no rule matches."</p>
                    }.into_any(),
                    Ok(verdict) => view! {
                        <p class=if verdict.allowed { "notice warn" } else { "notice error" }>
                            {if verdict.allowed { "Allowed, with warnings:" } else { "Blocked:" }}
                        </p>
                        <ul class="plain-list">
                            {verdict.violations.into_iter().map(|hit| view! {
                                <li>
                                    <span class=action_badge(hit.action)>{hit.action.as_str()}</span>
                                    " "{type_label(hit.r#type)}
                                    {hit.user_message.map(|m| format!(" · says: {m}"))}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </aside>
    }
}

#[component]
fn ViolationRow(
    slug: String,
    violation: Violation,
    judge: ServerAction<JudgeViolation>,
) -> impl IntoView {
    let session = format!("/apps/{slug}/conversations/{}", violation.session_id);
    let verdict = violation.annotated_correctness.map(|c| {
        let by = violation.annotated_by.clone().unwrap_or_default();
        match c {
            Correctness::TruePositive => format!("right (by {by})"),
            Correctness::FalsePositive => format!("false alarm (by {by})"),
        }
    });
    let right = judge_button(
        &slug,
        &violation.id,
        judge,
        Correctness::TruePositive,
        "Right",
    );
    let wrong = judge_button(
        &slug,
        &violation.id,
        judge,
        Correctness::FalsePositive,
        "False alarm",
    );
    view! {
        <tr>
            <td>{format::utc_minutes(violation.created_at)}</td>
            <td><a class="mono" href=session>{violation.session_id.clone()}</a></td>
            <td>
                <span class=action_badge(violation.action)>{violation.action.as_str()}</span>
                " "{type_label(violation.r#type)}" · "{violation.direction.as_str()}
            </td>
            <td class="excerpt">{violation.content.clone()}</td>
            <td class="row-actions">
                {verdict.map(|v| view! { <span class="muted small">{v}</span> })}
                {right}
                {wrong}
            </td>
        </tr>
    }
}

/// One verdict on a violation, as a one-button form.
fn judge_button(
    slug: &str,
    violation_id: &str,
    judge: ServerAction<JudgeViolation>,
    correctness: Correctness,
    label: &'static str,
) -> impl IntoView + use<> {
    let (slug, violation_id) = (slug.to_owned(), violation_id.to_owned());
    view! {
        <ActionForm action=judge>
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="violation_id" value=violation_id />
            <input type="hidden" name="correctness" value=correctness.as_str() />
            <button class="button secondary small-button" type="submit">{label}</button>
        </ActionForm>
    }
}

fn type_label(kind: GuardrailType) -> &'static str {
    match kind {
        GuardrailType::BlockedTopic => "blocked topic",
        GuardrailType::TopicBoundary => "allowed topics only",
        GuardrailType::PiiFilter => "personal data",
        GuardrailType::JailbreakDetection => "jailbreak",
    }
}

fn action_badge(action: GuardrailAction) -> &'static str {
    match action {
        GuardrailAction::Block => "badge error",
        GuardrailAction::Warn => "badge warn",
        GuardrailAction::Log => "badge off",
    }
}
