//! Experiments: start one, change its variants and weights, pause, resume or end it, and read
//! each variant's results with the significance test.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::agent::experiments::{Experiment, ExperimentStatus, variant_lines};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::format;
use crate::server_fns::agent::experiments::{
    ChangeExperimentStatus, RedefineExperiment, StartExperiment, load_experiments,
};

const VARIANTS_HINT: &str =
    "control 50\ngreeting-b 50 {\"greeting\": \"Hey! What can I help with?\"}";

#[component]
pub fn ExperimentsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let start = ServerAction::<StartExperiment>::new();
    let redefine = ServerAction::<RedefineExperiment>::new();
    let status = ServerAction::<ChangeExperimentStatus>::new();
    let experiments = Resource::new(
        move || {
            (
                slug(),
                start.version().get(),
                redefine.version().get(),
                status.version().get(),
            )
        },
        |(slug, ..)| load_experiments(slug),
    );
    let failure = move || {
        last_error(start)
            .or_else(|| last_error(redefine))
            .or_else(|| last_error(status))
    };
    view! {
        <Title text="Experiments · Switchboard" />
        <header class="page-header">
            <h1>"Experiments"</h1>
            <p class="lede">"A/B tests of the agent: each session gets one variant for good, and its outcome counts for that variant."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading experiments…"</p> }>
            {move || Suspend::new(async move {
                match experiments.await {
                    Ok(list) => view! {
                        <details class="card new-item" open=list.is_empty()>
                            <summary>"New experiment"</summary>
                            <ActionForm action=start attr:class="form" attr:id="new-experiment">
                                <input type="hidden" name="slug" value=slug() />
                                <ExperimentFields name=String::new() description=String::new() variants=String::new() />
                                <button class="button" type="submit">"Start experiment"</button>
                            </ActionForm>
                        </details>
                        {if list.is_empty() {
                            view! {
                                <section class="card empty-state">
                                    <h2>"No experiments yet"</h2>
                                    <p class="muted">"Start one above; agents ask for a session's variant with POST /api/experiments/assign."</p>
                                </section>
                            }
                            .into_any()
                        } else {
                            list.into_iter()
                                .map(|experiment| view! { <ExperimentCard slug=slug() experiment redefine status /> })
                                .collect_view()
                                .into_any()
                        }}
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The name, description and variants inputs, shared by the new and edit forms.
#[component]
fn ExperimentFields(name: String, description: String, variants: String) -> impl IntoView {
    view! {
        <div class="form-row">
            <label>"Name" <input type="text" name="name" required maxlength="200" value=name /></label>
            <label>"Description" <input type="text" name="description" maxlength="2000" value=description /></label>
        </div>
        <label>
            "Variants: one a line, its id, its weight, and optionally its config as JSON"
            <textarea name="variants" rows="4" class="mono" required placeholder=VARIANTS_HINT>{crate::format::textarea_text(&variants)}</textarea>
        </label>
    }
}

#[component]
fn ExperimentCard(
    slug: String,
    experiment: Experiment,
    redefine: ServerAction<RedefineExperiment>,
    status: ServerAction<ChangeExperimentStatus>,
) -> impl IntoView {
    let total_weight: f64 = experiment.variants.iter().map(|v| v.weight).sum();
    let weights: Vec<(String, f64)> = experiment
        .variants
        .iter()
        .map(|v| (v.id.clone(), v.weight))
        .collect();
    let results = experiment.results.clone();
    let significance = match results.p_value {
        Some(p) if results.significant => format!("p = {p:.3}: the variants differ in resolution rate (5% level)"),
        Some(p) => format!("p = {p:.3}: no significant difference yet"),
        None => "Not enough data for a significance test: every variant needs conversations, some resolved and some not.".to_owned(),
    };
    let badge = match experiment.status {
        ExperimentStatus::Active => "badge ok",
        ExperimentStatus::Paused => "badge warn",
        ExperimentStatus::Ended => "badge off",
    };
    let ended = experiment.status == ExperimentStatus::Ended;
    let transitions: Vec<(&'static str, &'static str)> = match experiment.status {
        ExperimentStatus::Active => vec![("paused", "Pause"), ("ended", "End")],
        ExperimentStatus::Paused => vec![("active", "Resume"), ("ended", "End")],
        ExperimentStatus::Ended => Vec::new(),
    };
    let status_forms = transitions
        .into_iter()
        .map(|(to, label)| {
            let (slug, id) = (slug.clone(), experiment.id.clone());
            let class = if to == "ended" {
                "button secondary danger"
            } else {
                "button secondary"
            };
            view! {
                <ActionForm action=status>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="status" value=to />
                    <button class=class type="submit">{label}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let edit_form = (!ended).then(|| {
        let (slug, id) = (slug.clone(), experiment.id.clone());
        let name = experiment.name.clone();
        let description = experiment.description.clone().unwrap_or_default();
        let variants = variant_lines(&experiment.variants);
        view! {
            <details class="edit-experiment">
                <summary class="button secondary">"Edit variants"</summary>
                <ActionForm action=redefine attr:class="form">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="id" value=id />
                    <ExperimentFields name description variants />
                    <p class="muted small">"Weights and configs can change at any time; which variants exist only until a session is assigned."</p>
                    <button class="button" type="submit">"Save changes"</button>
                </ActionForm>
            </details>
        }
    });
    let name = experiment.name.clone();
    let marker = name.clone();
    let started = format!("Started {}", format::utc_minutes(experiment.created_at));
    let ended_at = experiment
        .ended_at
        .map(|at| format!(" · ended {}", format::utc_minutes(at)));
    let description = experiment.description.clone();
    view! {
        <section class="card experiment" data-experiment=marker>
            <div class="handoff-head">
                <h2>{name}</h2>
                <span class=badge>{experiment.status.as_str()}</span>
            </div>
            <p class="muted small">{started}{ended_at}</p>
            {description.map(|d| view! { <p>{d}</p> })}
            <table class="table results">
                <thead>
                    <tr>
                        <th scope="col">"Variant"</th>
                        <th scope="col">"Share"</th>
                        <th scope="col">"Sessions"</th>
                        <th scope="col">"Conversations"</th>
                        <th scope="col">"Resolution"</th>
                        <th scope="col">"Handoff"</th>
                        <th scope="col">"CSAT"</th>
                    </tr>
                </thead>
                <tbody>
                    {weights
                        .into_iter()
                        .map(|(variant, weight)| {
                            let result = results.variants.iter().find(|r| r.variant_id == variant).cloned();
                            let rate = |value: Option<f64>| value.map_or_else(|| "—".to_owned(), format::percent);
                            let share = if total_weight > 0.0 { format::percent(weight / total_weight) } else { "—".to_owned() };
                            view! {
                                <tr>
                                    <th scope="row" class="mono">{variant}</th>
                                    <td>{share}</td>
                                    <td>{result.as_ref().map_or(0, |r| r.exposures)}</td>
                                    <td>{result.as_ref().map_or(0, |r| r.conversations)}</td>
                                    <td>{rate(result.as_ref().and_then(|r| r.resolution_rate))}</td>
                                    <td>{rate(result.as_ref().and_then(|r| r.handoff_rate))}</td>
                                    <td>
                                        {result
                                            .as_ref()
                                            .and_then(|r| r.avg_csat.map(|c| format!("{c:.2} ({})", r.csat_ratings)))
                                            .unwrap_or_else(|| "—".to_owned())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class=if results.significant { "significance significant" } else { "significance" }>{significance}</p>
            <div class="handoff-actions">{status_forms}{edit_form}</div>
        </section>
    }
}
