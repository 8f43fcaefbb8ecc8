//! Knowledge: the documents agents search, added by hand or uploaded, with their ingestion
//! followed live; a search tester that records nothing; and the gaps searches revealed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::dashboard::KnowledgeView;
use model::agent::knowledge::{
    Document, DocumentDetail, GapStatus, IngestState, KnowledgeGap, SearchResponse,
};

use crate::components::live_region::LiveRegion;
use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::format;
use crate::server_fns::agent::knowledge::{
    AddDocument, ChangeGap, DeleteDocument, TestSearch, load_document, load_knowledge,
};

/// How often the page looks again while documents are being embedded.
/// How often the page looks again while documents are being embedded, in seconds.
const INGEST_REFRESH_SECS: u32 = 2;

#[component]
pub fn KnowledgePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let add = ServerAction::<AddDocument>::new();
    let delete = ServerAction::<DeleteDocument>::new();
    let gap = ServerAction::<ChangeGap>::new();
    let knowledge = Resource::new(
        move || (slug(), field("gaps"), field("cursor")),
        |(slug, gaps, cursor)| load_knowledge(slug, gaps, cursor),
    );
    let failure = move || {
        last_error(add)
            .or_else(|| last_error(delete))
            .or_else(|| last_error(gap))
    };
    view! {
        <Title text="Knowledge · Switchboard" />
        <header class="page-header">
            <h1>"Knowledge"</h1>
            <p class="lede">"What the agent can look up. Documents are split into passages by heading and embedded; searches combine meaning and words."</p>
        </header>
        {move || field("upload_error").map(|message| view! {
            <p class="notice error" role="alert">{format!("The upload failed: {message}")}</p>
        })}
        {move || field("uploaded").map(|_| view! {
            <p class="notice ok" role="status">"Uploaded. Its passages are searchable by words now, by meaning once embedded."</p>
        })}
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <div class="detail-layout">
            <AddDocuments slug=slug() add />
            <SearchTester slug=slug() />
        </div>
        // While documents are embedded, their progress is fetched again every few seconds.
        <LiveRegion
            region="knowledge-live".to_owned()
            stream=None
            every_secs=Some(INGEST_REFRESH_SECS)
            while_present=Some("[data-ingesting]".to_owned())
        />
        <div id="knowledge-live" class="region">
            <Suspense fallback=|| view! { <p class="muted">"Loading the knowledge base…"</p> }>
                {move || Suspend::new(async move {
                    match knowledge.await {
                        Ok(data) => view! { <Library slug=slug() data delete gap /> }.into_any(),
                        Err(error) => view! { <PageError error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Typing or pasting a document, and uploading a file (a plain form: works without JavaScript).
#[component]
fn AddDocuments(slug: String, add: ServerAction<AddDocument>) -> impl IntoView {
    let upload_to = format!("/api/admin/apps/{slug}/knowledge/upload");
    view! {
        <section class="card" aria-labelledby="add-title">
            <h2 id="add-title">"Add knowledge"</h2>
            <details class="add-document">
                <summary class="button secondary">"Write or paste a document"</summary>
                <ActionForm action=add attr:class="form" attr:id="add-document">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <div class="form-row">
                        <label>"Title" <input type="text" name="title" required maxlength="300" /></label>
                        <label>"Category" <input type="text" name="category" required maxlength="100" placeholder="faq, policy, product" /></label>
                        <label>
                            "Format"
                            <select name="format">
                                <option value="markdown">"Markdown"</option>
                                <option value="text">"Plain text"</option>
                                <option value="html">"HTML"</option>
                            </select>
                        </label>
                    </div>
                    <label>"Content" <textarea name="content" rows="8" required placeholder="# Returns\nItems can be returned within 30 days…"></textarea></label>
                    <button class="button" type="submit" disabled=move || add.pending().get()>
                        {move || if add.pending().get() { "Adding…" } else { "Add document" }}
                    </button>
                </ActionForm>
            </details>
            <form class="form upload-form" method="post" action=upload_to enctype="multipart/form-data" id="upload-document">
                <div class="form-row">
                    <label>"File (text, Markdown or HTML)" <input type="file" name="file" required accept=".txt,.md,.markdown,.html,.htm,text/plain,text/markdown,text/html" /></label>
                    <label>"Category" <input type="text" name="category" required maxlength="100" /></label>
                    <label>"Title (optional)" <input type="text" name="title" maxlength="300" placeholder="its first heading" /></label>
                </div>
                <button class="button secondary" type="submit">"Upload"</button>
            </form>
        </section>
    }
}

/// Searches as an agent would, without recording the search or a gap.
#[island]
fn SearchTester(slug: String) -> impl IntoView {
    let search = ServerAction::<TestSearch>::new();
    view! {
        <aside class="card" aria-labelledby="search-title">
            <h2 id="search-title">"Search tester"</h2>
            <p class="muted small">"Ask what a caller would ask. Nothing is recorded."</p>
            <ActionForm action=search attr:class="form" attr:id="search-tester">
                <input type="hidden" name="slug" value=slug />
                <label>"Question" <input type="search" name="query" required maxlength="1000" placeholder="Can I return shoes I wore?" /></label>
                <div class="form-row">
                    <label>
                        "Mode"
                        <select name="mode">
                            <option value="hybrid">"Hybrid"</option>
                            <option value="vector">"Meaning (vector)"</option>
                            <option value="text">"Words (full text)"</option>
                        </select>
                    </label>
                    <label>"Results" <input type="number" name="top_k" min="1" max="50" value="5" /></label>
                </div>
                <button class="button" type="submit" disabled=move || search.pending().get()>"Search"</button>
            </ActionForm>
            <div id="search-results" aria-live="polite">
                {move || search.value().get().map(|outcome| match outcome {
                    Ok(response) => view! { <SearchResults response /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </aside>
    }
}

#[component]
fn SearchResults(response: SearchResponse) -> impl IntoView {
    let found = match response.results.len() {
        1 => "1 result".to_owned(),
        n => format!("{n} results"),
    };
    let summary = format!(
        "{found} · {} · top score {:.2} · embedding {} · retrieval {}",
        response.mode.as_str(),
        response.top_score,
        format::latency(response.embed_ms),
        format::latency(response.retrieval_ms),
    );
    view! {
        <p class="muted small">{summary}</p>
        {response.gap_detected.then(|| view! {
            <p class="notice warn">"Below the app's threshold: a real search would record this question as a gap."</p>
        })}
        <ol class="search-results">
            {response.results.into_iter().map(|result| {
                let ranks = format!(
                    "score {:.2} · meaning rank {} · words rank {}",
                    result.score,
                    result.vector_rank.map_or_else(|| "—".to_owned(), |r| r.to_string()),
                    result.text_rank.map_or_else(|| "—".to_owned(), |r| r.to_string()),
                );
                view! {
                    <li>
                        <p class="result-title">
                            <strong>{result.title}</strong>
                            {result.heading.map(|h| view! { <span class="muted">{format!(" › {h}")}</span> })}
                        </p>
                        <p class="result-text">{result.content}</p>
                        <p class="muted small">{ranks}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn Library(
    slug: String,
    data: KnowledgeView,
    delete: ServerAction<DeleteDocument>,
    gap: ServerAction<ChangeGap>,
) -> impl IntoView {
    let metrics = data.metrics.clone();
    let figures = [
        ("Searches (30 days)", metrics.total_searches.to_string()),
        ("Average top score", format!("{:.2}", metrics.avg_top_score)),
        ("Gap rate", format::percent(metrics.gap_rate)),
        ("Open gaps", metrics.open_gaps.to_string()),
    ];
    let next = data
        .documents
        .next_cursor
        .clone()
        .map(|cursor| format!("?cursor={}", format::query_value(&cursor)));
    let documents = data.documents.documents.clone();
    let choices: Vec<(String, String)> = documents
        .iter()
        .map(|d| (d.id.clone(), d.title.clone()))
        .collect();
    view! {
        <section class="stat-cards" aria-label="Search figures">
            {figures.into_iter().map(|(label, value)| view! {
                <div class="card stat"><p class="stat-label">{label}</p><p class="stat-value">{value}</p></div>
            }).collect_view()}
        </section>
        <section class="card flush" aria-labelledby="documents-title">
            <h2 id="documents-title" class="card-title">"Documents"</h2>
            {if documents.is_empty() {
                view! { <p class="muted card-title">"No document yet: add or upload one above."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="documents">
                        <thead>
                            <tr>
                                <th scope="col">"Title"</th>
                                <th scope="col">"Category"</th>
                                <th scope="col">"Size"</th>
                                <th scope="col">"Embedding"</th>
                                <th scope="col">"Updated (UTC)"</th>
                                <th scope="col"><span class="visually-hidden">"Delete"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {documents.into_iter().map(|document| view! { <DocumentRow slug=slug.clone() document delete /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {next.map(|href| view! { <p class="card-title"><a href=href>"More documents"</a></p> })}
        </section>
        <Gaps slug data=data choices gap />
    }
}

#[component]
fn DocumentRow(
    slug: String,
    document: Document,
    delete: ServerAction<DeleteDocument>,
) -> impl IntoView {
    let href = format!("/apps/{slug}/knowledge/{}", document.id);
    let id = document.id.clone();
    view! {
        <tr data-document=document.title.clone()>
            <th scope="row"><a href=href>{document.title.clone()}</a></th>
            <td>{document.category.clone()}</td>
            <td>{format!("{} chars", document.content_length)}</td>
            <td><IngestionState ingestion=document.ingestion.clone() /></td>
            <td>{format::utc_minutes(document.updated_at)}</td>
            <td>
                <ActionForm action=delete>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="id" value=id />
                    <button class="link-button danger" type="submit">"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// Where a document's embedding stands, with a bar while it runs.
#[component]
fn IngestionState(ingestion: model::agent::knowledge::Ingestion) -> impl IntoView {
    let done = ingestion.chunks_done;
    let total = ingestion.chunks_total.max(1);
    let (class, label) = match ingestion.state {
        IngestState::Ready => ("badge ok", "ready".to_owned()),
        IngestState::Failed => ("badge error", "failed".to_owned()),
        IngestState::Pending => ("badge warn", "waiting".to_owned()),
        IngestState::Embedding => ("badge warn", format!("{done} of {total}")),
    };
    view! {
        <span class=class>{label}</span>
        {matches!(ingestion.state, IngestState::Pending | IngestState::Embedding).then(|| view! {
            <progress class="ingest" max=total value=done data-ingesting="">{format!("{done} of {total}")}</progress>
        })}
        {ingestion.error.map(|e| view! { <div class="muted small">{e}</div> })}
    }
}

#[component]
fn Gaps(
    slug: String,
    data: KnowledgeView,
    choices: Vec<(String, String)>,
    gap: ServerAction<ChangeGap>,
) -> impl IntoView {
    let current = data.gap_status;
    view! {
        <section class="card" aria-labelledby="gaps-title" id="gaps">
            <h2 id="gaps-title">"Gaps: questions the knowledge base could not answer"</h2>
            <nav class="tabs" aria-label="Gap status">
                {GapStatus::ALL.into_iter().map(|status| {
                    let selected = (status == current).then_some("page");
                    view! { <a href=format!("?gaps={}#gaps", status.as_str()) aria-current=selected>{status.as_str()}</a> }
                }).collect_view()}
            </nav>
            {if data.gaps.gaps.is_empty() {
                view! { <p class="muted">{format!("No {} gaps.", current.as_str())}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list gap-list">
                        {data.gaps.gaps.into_iter().map(|g| view! { <GapItem slug=slug.clone() gap=g choices=choices.clone() action=gap /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn GapItem(
    slug: String,
    gap: KnowledgeGap,
    choices: Vec<(String, String)>,
    action: ServerAction<ChangeGap>,
) -> impl IntoView {
    let facts = format!(
        "asked {} times · best score {:.2} · last {}",
        gap.occurrences,
        gap.best_match_score,
        format::utc_minutes(gap.last_seen_at)
    );
    let (slug_a, id_a) = (slug.clone(), gap.id.clone());
    let change = move |to: GapStatus, label: &'static str| {
        let (slug, id) = (slug_a.clone(), id_a.clone());
        view! {
            <ActionForm action=action>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="to" value=to.as_str() />
                <button class="button secondary small-button" type="submit">{label}</button>
            </ActionForm>
        }
    };
    let actions = match gap.status {
        GapStatus::Open => view! {
            <ActionForm action=action attr:class="resolve-form">
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="id" value=gap.id.clone() />
                <input type="hidden" name="to" value="resolved" />
                <label>
                    "Answered by"
                    <select name="document_id">
                        <option value="">"no particular document"</option>
                        {choices.into_iter().map(|(id, title)| view! { <option value=id>{title}</option> }).collect_view()}
                    </select>
                </label>
                <button class="button small-button" type="submit">"Resolve"</button>
            </ActionForm>
            {change(GapStatus::Dismissed, "Dismiss")}
        }
        .into_any(),
        GapStatus::Resolved | GapStatus::Dismissed => change(GapStatus::Open, "Reopen").into_any(),
    };
    view! {
        <li class="gap" data-gap=gap.query.clone()>
            <p class="gap-query">{format!("“{}”", gap.query)}</p>
            <p class="muted small">
                {facts}
                {gap.resolved_by.map(|who| format!(" · resolved by {who}"))}
            </p>
            <div class="handoff-actions">{actions}</div>
        </li>
    }
}

/// One document: its facts and the passages it was split into.
#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || params.read().get("id").unwrap_or_default();
    let document = Resource::new(move || (slug(), id()), |(slug, id)| load_document(slug, id));
    view! {
        <Title text="Document · Switchboard" />
        <p class="breadcrumb"><a href=move || format!("/apps/{}/knowledge", slug())>"← Knowledge"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the document…"</p> }>
            {move || Suspend::new(async move {
                match document.await {
                    Ok(detail) => view! { <DocumentView detail /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DocumentView(detail: DocumentDetail) -> impl IntoView {
    let d = detail.document;
    view! {
        <header class="page-header">
            <h1>{d.title.clone()}</h1>
            <p class="lede">
                {format!("{} · {} · {} passages · updated {}", d.category, d.format.as_str(), detail.chunks.len(), format::utc_minutes(d.updated_at))}
            </p>
        </header>
        <section class="card">
            <h2>"Embedding"</h2>
            <IngestionState ingestion=d.ingestion.clone() />
            <p class="muted small">{format!("Model: {}", d.ingestion.model)}</p>
        </section>
        <section class="card">
            <h2>"Passages"</h2>
            <ol class="passages" id="passages">
                {detail.chunks.into_iter().map(|chunk| view! {
                    <li>
                        {chunk.heading.map(|h| view! { <p class="result-title"><strong>{h}</strong></p> })}
                        <p class="result-text">{chunk.content}</p>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
