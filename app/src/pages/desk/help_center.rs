//! The public help center (`/help/{appSlug}`): server-rendered pages with no JavaScript, for
//! readers and search engines. The server renders them to a complete document of their own
//! (`server/src/help_center.rs`), not inside the dashboard's shell.

use leptos::prelude::*;
use model::desk::help_center::{Collection, HelpArticle, HelpArticleSummary, HelpSearchHit};

/// The styles of the help center, inlined into each page: one request per page.
const STYLE: &str = include_str!("../../../../style/help-center.css");

/// A whole help-center document: head, the app's header with its colour, a search box, and the
/// page's content.
#[component]
pub fn HelpDocument(
    /// The page's title, before the app's name.
    title: String,
    /// For search engines; the app's name when empty.
    description: String,
    app_name: String,
    app_slug: String,
    /// `#rrggbb`.
    color: String,
    /// The search box's current query.
    #[prop(optional)]
    query: String,
    children: Children,
) -> impl IntoView {
    let home = format!("/help/{app_slug}");
    let search = format!("/help/{app_slug}/search");
    let full_title = if title.is_empty() {
        format!("{app_name} Help Center")
    } else {
        format!("{title} · {app_name} Help Center")
    };
    let description = if description.is_empty() {
        format!("Answers and guides from {app_name}.")
    } else {
        description
    };
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>{full_title}</title>
                <meta name="description" content=description />
                <style>{STYLE}</style>
            </head>
            <body style=format!("--brand: {color}")>
                <header class="help-header">
                    <div class="help-wrap">
                        <a class="help-brand" href=home.clone()>
                            {format!("{app_name} Help Center")}
                        </a>
                        <form class="help-search" method="get" action=search role="search">
                            <label class="visually-hidden" for="help-q">
                                "Search the help center"
                            </label>
                            <input
                                id="help-q"
                                name="q"
                                type="search"
                                value=query
                                placeholder="Search for answers…"
                                maxlength="200"
                                required
                            />
                            <button type="submit">"Search"</button>
                        </form>
                    </div>
                </header>
                <main class="help-wrap help-main">{children()}</main>
            </body>
        </html>
    }
}

/// Links to collections, as cards.
#[component]
pub fn CollectionCards(app_slug: String, collections: Vec<Collection>) -> impl IntoView {
    view! {
        <ul class="help-cards">
            {collections
                .into_iter()
                .map(|c| {
                    let href = format!("/help/{app_slug}/collections/{}", c.slug);
                    let count = match c.published_article_count {
                        1 => "1 article".to_owned(),
                        n => format!("{n} articles"),
                    };
                    view! {
                        <li>
                            <a href=href>
                                <strong>{c.name}</strong>
                                <span class="help-muted">{c.description.unwrap_or_default()}</span>
                                <span class="help-count">{count}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A list of article links.
#[component]
pub fn ArticleLinks(articles: Vec<HelpArticleSummary>) -> impl IntoView {
    view! {
        <ul class="help-articles">
            {articles
                .into_iter()
                .map(|a| view! { <li><a href=a.url>{a.title}</a></li> })
                .collect_view()}
        </ul>
    }
}

/// Where a page sits: the help center, then its collections.
#[component]
pub fn Trail(app_slug: String, trail: Vec<Collection>) -> impl IntoView {
    let home = format!("/help/{app_slug}");
    view! {
        <nav class="help-trail" aria-label="Breadcrumb">
            <a href=home>"All collections"</a>
            {trail
                .into_iter()
                .map(|c| {
                    let href = format!("/help/{app_slug}/collections/{}", c.slug);
                    view! { " › " <a href=href>{c.name}</a> }
                })
                .collect_view()}
        </nav>
    }
}

/// The front page's content.
#[component]
pub fn HelpHomeContent(
    app_slug: String,
    collections: Vec<Collection>,
    /// Published public articles in no collection.
    loose_articles: Vec<HelpArticleSummary>,
) -> impl IntoView {
    let top: Vec<Collection> = collections
        .into_iter()
        .filter(|c| c.parent_id.is_none())
        .collect();
    let empty = top.is_empty() && loose_articles.is_empty();
    view! {
        <h1>"How can we help?"</h1>
        <Show when=move || empty>
            <p class="help-muted">"No articles are published yet."</p>
        </Show>
        <CollectionCards app_slug=app_slug collections=top />
        {(!loose_articles.is_empty())
            .then(|| {
                view! {
                    <h2>"Articles"</h2>
                    <ArticleLinks articles=loose_articles />
                }
            })}
    }
}

/// A collection's page content.
#[component]
pub fn HelpCollectionContent(
    app_slug: String,
    collection: Collection,
    trail: Vec<Collection>,
    children: Vec<Collection>,
    articles: Vec<HelpArticleSummary>,
) -> impl IntoView {
    view! {
        <Trail app_slug=app_slug.clone() trail=trail />
        <h1>{collection.name}</h1>
        {collection.description.map(|d| view! { <p class="help-lead">{d}</p> })}
        <CollectionCards app_slug=app_slug collections=children />
        <ArticleLinks articles=articles />
    }
}

/// An article's page content, with "Was this helpful?".
#[component]
pub fn HelpArticleContent(
    app_slug: String,
    article: HelpArticle,
    trail: Vec<Collection>,
    /// The reader's ballot was just recorded.
    voted: bool,
) -> impl IntoView {
    let feedback = format!("{}/feedback", article.summary.url);
    view! {
        <Trail app_slug=app_slug trail=trail />
        <article class="help-article">
            <h1>{article.summary.title}</h1>
            <div class="help-body" inner_html=article.html></div>
        </article>
        <section class="help-feedback" aria-label="Feedback">
            {if voted {
                view! { <p role="status">"Thanks for your feedback!"</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=feedback>
                        <span>"Was this helpful?"</span>
                        <button type="submit" name="helpful" value="true">"Yes"</button>
                        <button type="submit" name="helpful" value="false">"No"</button>
                    </form>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Search results: the best passage of each article, the query's words marked.
#[component]
pub fn HelpSearchContent(query: String, results: Vec<HelpSearchHit>) -> impl IntoView {
    let heading = format!("Results for “{query}”");
    let none = results.is_empty();
    view! {
        <h1>{heading}</h1>
        <Show when=move || none>
            <p class="help-muted">"No articles match. Try other words."</p>
        </Show>
        <ul class="help-results">
            {results
                .into_iter()
                .map(|hit| {
                    view! {
                        <li>
                            <a href=hit.article.url>{hit.article.title}</a>
                            <p inner_html=hit.snippet_html></p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A help center, collection or article that does not exist (or is not public).
#[component]
pub fn HelpNotFound(app_slug: String) -> impl IntoView {
    let home = format!("/help/{app_slug}");
    view! {
        <h1>"Not found"</h1>
        <p>"This page does not exist, or is not published."</p>
        <p><a href=home>"Back to the help center"</a></p>
    }
}
