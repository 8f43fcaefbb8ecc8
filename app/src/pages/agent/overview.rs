//! Overview: an app's analytics over a chosen range, with charts drawn on the server.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::dashboard::{AnalyticsReport, DEFAULT_REPORT_DAYS, REPORT_RANGES};

use crate::components::charts::{Bar, BarChart, RateChart, Series};
use crate::components::notice::PageError;
use crate::format;
use crate::server_fns::agent::analytics::overview_report;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let days = move || {
        query
            .read()
            .get("days")
            .and_then(|d| d.parse().ok())
            .unwrap_or(DEFAULT_REPORT_DAYS)
    };
    let report = Resource::new(
        move || (slug(), days()),
        |(slug, days)| overview_report(slug, days),
    );
    view! {
        <Title text="Overview · Switchboard" />
        <header class="page-header with-tools">
            <div>
                <h1>"Overview"</h1>
                <p class="lede">"How the agent is doing: volume, outcomes, satisfaction, tools and knowledge."</p>
            </div>
            <nav class="segmented" aria-label="Time range">
                {REPORT_RANGES
                    .into_iter()
                    .map(|range| {
                        let current = move || (days() == range).then_some("page");
                        let label = if range == 1 { "24 h".to_owned() } else { format!("{range} days") };
                        view! { <a href=format!("?days={range}") aria-current=current>{label}</a> }
                    })
                    .collect_view()}
            </nav>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading analytics…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(report: AnalyticsReport) -> impl IntoView {
    let o = &report.overview;
    let cards = [
        (
            "Conversations",
            o.total_conversations.to_string(),
            format!("{} in the last 24 h", o.conversations_last_24h),
        ),
        (
            "Resolution rate",
            format::percent(o.resolution_rate),
            "resolved by the agent or a human".to_owned(),
        ),
        (
            "Handoff rate",
            format::percent(o.handoff_rate),
            format!("{} handoffs waiting", o.pending_handoffs),
        ),
        (
            "Average CSAT",
            o.avg_csat
                .map_or_else(|| "—".to_owned(), |v| format!("{v:.2} / 5")),
            format!("{} ratings", report.csat_distribution.iter().sum::<i64>()),
        ),
        (
            "Average duration",
            format::duration(o.avg_duration_ms),
            "of ended conversations".to_owned(),
        ),
        (
            "Tool success rate",
            o.tool_success_rate
                .map_or_else(|| "—".to_owned(), format::percent),
            format!("{} tool calls", o.total_tool_executions),
        ),
        (
            "Knowledge gap rate",
            o.knowledge_gap_rate
                .map_or_else(|| "—".to_owned(), format::percent),
            format!(
                "{} searches, {} open gaps",
                o.total_knowledge_searches, o.unresolved_gaps
            ),
        ),
        (
            "Guardrail violations",
            o.total_guardrail_violations.to_string(),
            "blocked or flagged messages".to_owned(),
        ),
    ];
    let labels: Vec<String> = report
        .daily
        .buckets
        .iter()
        .map(|b| format::short_day(b.start))
        .collect();
    let per_day: Vec<Bar> = report
        .daily
        .buckets
        .iter()
        .map(|b| Bar {
            label: format::short_day(b.start),
            value: b.conversations as f64,
            tooltip: format!(
                "{}: {} conversations",
                format::utc_day(b.start),
                b.conversations
            ),
        })
        .collect();
    let ratio = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);
    let rates = vec![
        Series {
            name: "Resolution rate",
            class: "series-a",
            values: report
                .daily
                .buckets
                .iter()
                .map(|b| ratio(b.resolved, b.conversations))
                .collect(),
        },
        Series {
            name: "Handoff rate",
            class: "series-b",
            values: report
                .daily
                .buckets
                .iter()
                .map(|b| ratio(b.handoffs, b.conversations))
                .collect(),
        },
    ];
    let csat: Vec<Bar> = report
        .csat_distribution
        .iter()
        .enumerate()
        .map(|(i, count)| Bar {
            label: format!("{} ★", i + 1),
            value: *count as f64,
            tooltip: format!("{count} ratings of {}", i + 1),
        })
        .collect();
    let mut tools: Vec<(String, i64)> = o.tool_usage.clone().into_iter().collect();
    tools.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let whole = |v: f64| format!("{v:.0}");
    view! {
        <section class="stat-cards" aria-label="Key figures">
            {cards
                .into_iter()
                .map(|(label, value, note)| {
                    view! {
                        <div class="card stat">
                            <p class="stat-label">{label}</p>
                            <p class="stat-value">{value}</p>
                            <p class="stat-note">{note}</p>
                        </div>
                    }
                })
                .collect_view()}
        </section>
        <div class="grid two">
            <section class="card">
                <h2>"Conversations per day"</h2>
                <BarChart id="chart-conversations" title="Conversations per day" bars=per_day axis=whole />
            </section>
            <section class="card">
                <h2>"Resolution and handoff rates"</h2>
                <RateChart id="chart-rates" title="Resolution and handoff rate per day" labels series=rates />
            </section>
            <section class="card">
                <h2>"Satisfaction (CSAT)"</h2>
                <BarChart id="chart-csat" title="CSAT ratings by score" bars=csat axis=whole />
            </section>
            <section class="card">
                <h2>"Tool usage"</h2>
                {if tools.is_empty() {
                    view! { <p class="muted">"No tool was called in this range."</p> }.into_any()
                } else {
                    view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Tool"</th><th scope="col">"Calls"</th></tr></thead>
                            <tbody>
                                {tools
                                    .into_iter()
                                    .map(|(name, calls)| view! { <tr><th scope="row" class="mono">{name}</th><td>{calls}</td></tr> })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </section>
        </div>
        <p class="muted small">
            {format!(
                "From {} to {} (UTC). Days are UTC days.",
                format::utc_minutes(report.overview.since),
                format::utc_minutes(report.overview.until),
            )}
        </p>
    }
}
