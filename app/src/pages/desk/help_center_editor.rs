//! The dashboard's Help center (collections and articles, with their lifecycle and readers'
//! feedback) and AI agent (how the AI answers chats from the help center) pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::desk::ai_agent::{AiTurnStats, KNOWLEDGE_RESPONDER, Weekday};
use model::desk::dashboard::{AiAgentView, ArticleEditorView, HelpCenterView};
use model::desk::help_center::Collection;

use crate::components::markdown_editor::MarkdownEditor;
use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::server_fns::desk::help_center::{
    CreateCollection, DeleteCollection, MoveCollection, SaveAiAgent, SaveArticle,
    SaveHelpCenterLook, SetArticleStatus, UpdateCollection, load_ai_agent, load_article_editor,
    load_help_center,
};

/// A collection's name indented by its depth, for lists and choices.
fn indented(collection: &Collection, depth: usize) -> String {
    format!("{}{}", "\u{2003}".repeat(depth), collection.name)
}

/// `<option>`s of every collection, `selected` chosen; `except` (and what is under it) left
/// out, so that a collection cannot be moved under itself.
fn collection_options(
    collections: &[(Collection, usize)],
    selected: Option<&str>,
    except: Option<&str>,
) -> impl IntoView + use<> {
    let mut skip_below: Option<usize> = None;
    let mut options = Vec::new();
    for (collection, depth) in collections {
        if let Some(level) = skip_below {
            if *depth > level {
                continue;
            }
            skip_below = None;
        }
        if except == Some(collection.id.as_str()) {
            skip_below = Some(*depth);
            continue;
        }
        let chosen = selected == Some(collection.id.as_str());
        options.push(view! {
            <option value=collection.id.clone() selected=chosen>{indented(collection, *depth)}</option>
        });
    }
    options.collect_view()
}

#[component]
pub fn HelpCenterPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let create = ServerAction::<CreateCollection>::new();
    let update = ServerAction::<UpdateCollection>::new();
    let reorder = ServerAction::<MoveCollection>::new();
    let delete = ServerAction::<DeleteCollection>::new();
    let status = ServerAction::<SetArticleStatus>::new();
    let look = ServerAction::<SaveHelpCenterLook>::new();
    let loaded = Resource::new(slug, load_help_center);
    let failure = move || {
        last_error(look)
            .or_else(|| last_error(create))
            .or_else(|| last_error(update))
            .or_else(|| last_error(reorder))
            .or_else(|| last_error(delete))
            .or_else(|| last_error(status))
    };
    view! {
        <Title text="Help center · Switchboard" />
        <header class="page-header">
            <h1>"Help center"</h1>
            <p class="lede">"Articles your customers read, in collections. Published public articles appear in the public help center and the widget, and the AI answers chats from them; internal ones are for the team and the voice agent; drafts and archived ones for nobody."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! {
                        <HelpCenterContent view slug=slug() create update reorder delete status look />
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HelpCenterContent(
    view: HelpCenterView,
    slug: String,
    create: ServerAction<CreateCollection>,
    update: ServerAction<UpdateCollection>,
    reorder: ServerAction<MoveCollection>,
    delete: ServerAction<DeleteCollection>,
    status: ServerAction<SetArticleStatus>,
    look: ServerAction<SaveHelpCenterLook>,
) -> impl IntoView {
    let HelpCenterView {
        public_url,
        color,
        collections,
        articles,
        may_manage,
    } = view;
    let name_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| collections.iter().find(|(c, _)| &c.id == id))
            .map(|(c, _)| c.name.clone())
            .unwrap_or_else(|| "—".to_owned())
    };
    let tree = collections
        .iter()
        .map(|(collection, depth)| {
            let label = indented(collection, *depth);
            let counts = format!(
                "{} articles, {} published",
                collection.article_count, collection.published_article_count
            );
            let controls = may_manage.then(|| {
                let options = collection_options(
                    &collections,
                    collection.parent_id.as_deref(),
                    Some(&collection.id),
                );
                let name = collection.name.clone();
                let form = |up: &'static str, label: &'static str, aria: String| {
                    let (slug, id) = (slug.clone(), collection.id.clone());
                    view! {
                        <ActionForm action=reorder attr:class="inline-form">
                            <input type="hidden" name="slug" value=slug />
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="up" value=up />
                            <button class="button small-button secondary" type="submit" aria-label=aria>{label}</button>
                        </ActionForm>
                    }
                };
                let up = form("true", "↑", format!("Move {name} up"));
                let down = form("false", "↓", format!("Move {name} down"));
                let (update_slug, update_id) = (slug.clone(), collection.id.clone());
                let (delete_slug, delete_id) = (slug.clone(), collection.id.clone());
                view! {
                    {up}
                    {down}
                    <details>
                        <summary>"Rename or move"</summary>
                        <ActionForm action=update attr:class="form">
                            <input type="hidden" name="slug" value=update_slug />
                            <input type="hidden" name="id" value=update_id />
                            <label>"Name"<input type="text" name="name" required maxlength="100" value=name /></label>
                            <label>
                                "Inside"
                                <select name="parent_id">
                                    <option value="">"(top level)"</option>
                                    {options}
                                </select>
                            </label>
                            <button class="button" type="submit">"Save"</button>
                        </ActionForm>
                    </details>
                    <ActionForm action=delete attr:class="inline-form">
                        <input type="hidden" name="slug" value=delete_slug />
                        <input type="hidden" name="id" value=delete_id />
                        <button class="button danger small-button" type="submit">"Delete"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td class="muted small">{counts}</td>
                    <td class="row-actions">{controls}</td>
                </tr>
            }
        })
        .collect_view();
    let new_collection = may_manage.then(|| {
        let options = collection_options(&collections, None, None);
        let slug = slug.clone();
        view! {
            <ActionForm action=create attr:class="form grid-form">
                <input type="hidden" name="slug" value=slug />
                <label>"Name"<input type="text" name="name" required maxlength="100" placeholder="Billing" /></label>
                <label>
                    "Inside"
                    <select name="parent_id">
                        <option value="">"(top level)"</option>
                        {options}
                    </select>
                </label>
                <div class="form-actions"><button class="button" type="submit">"Add the collection"</button></div>
            </ActionForm>
        }
    });
    let rows = articles
        .into_iter()
        .map(|article| {
            let edit = format!("/apps/{slug}/help-center/articles/{}", article.id);
            let collection = name_of(&article.collection_id);
            let link = article.public_url.clone().map(|url| {
                view! { <a href=url target="_blank" rel="noopener">"Public page"</a> }
            });
            let actions = may_manage.then(|| {
                let next: &[(&str, &str)] = match article.status.as_str() {
                    "published" => &[("draft", "Unpublish"), ("archived", "Archive")],
                    "draft" => &[("published", "Publish"), ("archived", "Archive")],
                    _ => &[("published", "Publish"), ("draft", "Back to draft")],
                };
                next.iter()
                    .map(|(to, label)| {
                        let (slug, id) = (slug.clone(), article.id.clone());
                        view! {
                            <ActionForm action=status attr:class="inline-form">
                                <input type="hidden" name="slug" value=slug />
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="status" value=*to />
                                <button class="button small-button secondary" type="submit">{*label}</button>
                            </ActionForm>
                        }
                    })
                    .collect_view()
            });
            let status_class = format!("badge status-{}", article.status);
            view! {
                <tr data-article=article.slug.clone()>
                    <th scope="row"><a href=edit>{article.title}</a></th>
                    <td><span class=status_class>{article.status}</span></td>
                    <td>{article.visibility}</td>
                    <td>{collection}</td>
                    <td title="Readers who found it helpful, and not">{format!("👍 {} · 👎 {}", article.helpful, article.not_helpful)}</td>
                    <td>{link}</td>
                    <td class="row-actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    let new_article = may_manage.then(|| {
        let href = format!("/apps/{slug}/help-center/articles/new");
        view! { <a class="button" href=href>"New article"</a> }
    });
    let look_form = may_manage.then(|| {
        let slug = slug.clone();
        view! {
            <ActionForm action=look attr:class="inline-form" attr:id="help-look">
                <input type="hidden" name="slug" value=slug />
                <label>"Colour "<input type="color" name="color" value=color.clone() /></label>
                <button class="button small-button secondary" type="submit">"Save the colour"</button>
            </ActionForm>
        }
    });
    view! {
        <p>
            "Public help center: "<a href=public_url.clone() target="_blank" rel="noopener">{public_url.clone()}</a>
        </p>
        {look_form}
        <div class="detail-layout">
            <section class="card flush" aria-labelledby="collections-title">
                <h2 id="collections-title" class="card-title">"Collections"</h2>
                <table class="table" id="collections">
                    <tbody>{tree}</tbody>
                </table>
                {new_collection}
            </section>
            <section class="card flush" aria-labelledby="articles-title">
                <div class="card-title-row">
                    <h2 id="articles-title" class="card-title">"Articles"</h2>
                    {new_article}
                </div>
                <table class="table" id="articles">
                    <thead><tr>
                        <th scope="col">"Title"</th><th scope="col">"Status"</th><th scope="col">"Visibility"</th>
                        <th scope="col">"Collection"</th><th scope="col">"Feedback"</th><th scope="col">"Link"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        </div>
    }
}

#[component]
pub fn ArticleEditorPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || params.read().get("id").filter(|id| id != "new");
    let save = ServerAction::<SaveArticle>::new();
    let loaded = Resource::new(
        move || (slug(), id()),
        |(slug, id)| load_article_editor(slug, id),
    );
    view! {
        <Title text="Article · Switchboard" />
        {move || last_error(save).map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <ArticleForm view slug=slug() save /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ArticleForm(
    view: ArticleEditorView,
    slug: String,
    save: ServerAction<SaveArticle>,
) -> impl IntoView {
    let ArticleEditorView {
        article,
        preview_html,
        collections,
        may_manage,
    } = view;
    let back = format!("/apps/{slug}/help-center");
    let (id, title, article_slug, collection, visibility, status, content, public_url, feedback) =
        match article {
            Some(detail) => (
                detail.article.id,
                detail.article.title,
                detail.article.slug,
                detail.article.collection_id,
                detail.article.visibility,
                detail.article.status,
                detail.content,
                detail.article.public_url,
                Some((detail.article.helpful, detail.article.not_helpful)),
            ),
            None => (
                String::new(),
                String::new(),
                String::new(),
                None,
                "public".to_owned(),
                "draft".to_owned(),
                String::new(),
                None,
                None,
            ),
        };
    let heading = if id.is_empty() {
        "New article".to_owned()
    } else {
        title.clone()
    };
    let options = collection_options(&collections, collection.as_deref(), None);
    let choice = |name: &'static str, value: &'static str, current: &str, label: &'static str| {
        let checked = current == value;
        view! { <label class="choice"><input type="radio" name=name value=value checked=checked />{label}</label> }
    };
    view! {
        <header class="page-header">
            <p><a href=back>"← Help center"</a></p>
            <h1>{heading}</h1>
            {public_url.map(|url| view! { <p>"Readers see it at "<a href=url.clone() target="_blank" rel="noopener">{url.clone()}</a></p> })}
            {feedback.map(|(yes, no)| view! { <p class="muted">{format!("Was this helpful? {yes} yes, {no} no")}</p> })}
        </header>
        <section class="card">
            <ActionForm action=save attr:class="form article-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="article[id]" value=id />
                <label>"Title"<input type="text" name="article[title]" required maxlength="300" value=title /></label>
                <label>"Address (slug)"<input type="text" name="article[slug]" maxlength="80" value=article_slug placeholder="made from the title" /></label>
                <label>
                    "Collection"
                    <select name="article[collection_id]">
                        <option value="">"(none)"</option>
                        {options}
                    </select>
                </label>
                <fieldset>
                    <legend>"Visibility"</legend>
                    {choice("article[visibility]", "public", &visibility, "Public: readers, the widget and the AI in chat")}
                    {choice("article[visibility]", "internal", &visibility, "Internal: the team and the voice agent")}
                </fieldset>
                <fieldset>
                    <legend>"Status"</legend>
                    {choice("article[status]", "draft", &status, "Draft")}
                    {choice("article[status]", "published", &status, "Published")}
                    {choice("article[status]", "archived", &status, "Archived")}
                </fieldset>
                <MarkdownEditor name="article[content]".to_owned() content preview=preview_html editable=may_manage />
                {may_manage.then(|| view! { <div class="form-actions"><button class="button" type="submit">"Save the article"</button></div> })}
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AiAgentPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let save = ServerAction::<SaveAiAgent>::new();
    let loaded = Resource::new(slug, load_ai_agent);
    view! {
        <Title text="AI agent · Switchboard" />
        <header class="page-header">
            <h1>"AI agent"</h1>
            <p class="lede">"The AI answers a visitor's chat from your published public articles, citing them, until a teammate replies. When no article is close enough to the question (the confidence threshold), or the visitor asks for a person, it says the handoff message and the chat shows in the Inbox as needing a human."</p>
        </header>
        {move || last_error(save).map(|error| view! { <ErrorNotice error /> })}
        {move || save.value().get().and_then(Result::ok).map(|_| view! { <p class="notice ok" role="status">"Saved."</p> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <AiAgentForm view slug=slug() save /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The last days' AI turns: answered, handed off, the share answered, and the ratings.
#[component]
fn AiTurnFigures(stats: AiTurnStats) -> impl IntoView {
    let turns = stats.answered + stats.handed_off;
    let answered_share = if turns == 0 {
        "—".to_owned()
    } else {
        crate::format::percent(stats.answered as f64 / turns as f64)
    };
    let figures = [
        ("Answered by the AI", stats.answered.to_string()),
        ("Handed to a person", stats.handed_off.to_string()),
        ("Answered without a person", answered_share),
        (
            "Rated helpful / not helpful",
            format!("{} / {}", stats.rated_helpful, stats.rated_unhelpful),
        ),
    ];
    view! {
        <p class="muted">{format!("The AI's turns in the last {} days:", stats.days)}</p>
        <section class="stat-cards" aria-label=format!("The AI's last {} days", stats.days)>
            {figures.into_iter().map(|(label, value)| view! {
                <div class="card stat"><p class="stat-label">{label}</p><p class="stat-value">{value}</p></div>
            }).collect_view()}
        </section>
    }
}

#[component]
fn AiAgentForm(view: AiAgentView, slug: String, save: ServerAction<SaveAiAgent>) -> impl IntoView {
    let AiAgentView {
        settings,
        collections,
        stats,
        may_manage,
    } = view;
    let hours = settings.working_hours.clone();
    let timezone = hours
        .as_ref()
        .map_or_else(|| "UTC".to_owned(), |h| h.timezone.clone());
    let span_of = |day: Weekday| {
        hours
            .as_ref()
            .and_then(|h| h.days.iter().find(|s| s.day == day))
            .map(|s| (s.start.clone(), s.end.clone()))
            .unwrap_or_default()
    };
    let days = Weekday::ALL
        .into_iter()
        .enumerate()
        .map(|(i, day)| {
            let (start, end) = span_of(day);
            view! {
                <tr>
                    <th scope="row">{day.name()}</th>
                    <td><input type="time" name=format!("agent[starts][{i}]") value=start aria-label=format!("{} opens", day.name()) /></td>
                    <td><input type="time" name=format!("agent[ends][{i}]") value=end aria-label=format!("{} closes", day.name()) /></td>
                </tr>
            }
        })
        .collect_view();
    let sources = collections
        .iter()
        .enumerate()
        .map(|(i, (collection, depth))| {
            let checked = settings.collection_ids.contains(&collection.id);
            view! {
                <label class="choice">
                    <input type="checkbox" name=format!("agent[collection_ids][{i}]") value=collection.id.clone() checked=checked />
                    {indented(collection, *depth)}
                </label>
            }
        })
        .collect_view();
    let model_value = settings.model.clone();
    let uses_model = model_value != KNOWLEDGE_RESPONDER;
    view! {
        <AiTurnFigures stats />
        <section class="card">
            <ActionForm action=save attr:class="form">
                <input type="hidden" name="slug" value=slug />
                <label class="choice">
                    <input type="checkbox" name="agent[enabled]" value="on" checked=settings.enabled disabled=!may_manage />
                    "Answer chats with AI"
                </label>
                <label>
                    "Model"
                    <input type="text" name="agent[model]" required maxlength="100" value=model_value list="ai-models" />
                    <datalist id="ai-models"><option value="knowledge"></option></datalist>
                    <span class="muted small">
                        {if uses_model {
                            "A model of the OpenAI-compatible server at OPENAI_BASE_URL writes the answers from the articles found."
                        } else {
                            "knowledge: the LLM-free responder answers with the best passage of the best article. Or openai/<model> for a model of the OpenAI-compatible server at OPENAI_BASE_URL."
                        }}
                    </span>
                </label>
                <label>
                    "Confidence threshold (0 to 1)"
                    <input type="number" name="agent[confidence_threshold]" min="0" max="1" step="0.01" value=settings.confidence_threshold.map(|t| t.to_string()).unwrap_or_default() placeholder="the knowledge base's" />
                    <span class="muted small">"Empty: the knowledge base's threshold (the app's knowledge threshold, else the embedding model's: 0.4 for the local model)."</span>
                </label>
                <label>
                    "Handoff message"
                    <textarea name="agent[handoff_message]" rows="2" required maxlength="500">{crate::format::textarea_text(&settings.handoff_message)}</textarea>
                </label>
                <fieldset>
                    <legend>"Knowledge sources (none ticked: every published public article)"</legend>
                    {sources}
                </fieldset>
                <fieldset>
                    <legend>"Working hours of the team (empty: always); outside them, the handoff says when humans are back"</legend>
                    <label>"Timezone"<input type="text" name="agent[timezone]" value=timezone placeholder="Europe/Paris" /></label>
                    <table class="table compact">
                        <thead><tr><th scope="col">"Day"</th><th scope="col">"Opens"</th><th scope="col">"Closes"</th></tr></thead>
                        <tbody>{days}</tbody>
                    </table>
                </fieldset>
                {may_manage.then(|| view! { <div class="form-actions"><button class="button" type="submit">"Save"</button></div> })}
            </ActionForm>
        </section>
    }
}
