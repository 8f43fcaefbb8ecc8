//! The public help center, `/help/{appSlug}`: complete server-rendered documents with no
//! script, outside the dashboard's shell, so that they are fast and indexable. "Was this
//! helpful?" is a plain form post; the reader's ballot is keyed by a cookie of their own.

use app::help_center::{
    HelpArticleContent, HelpCollectionContent, HelpDocument, HelpHomeContent, HelpNotFound,
    HelpSearchContent,
};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::{Error, Services};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
use model::platform::apps::App;
use serde::Deserialize;

use crate::state::AppState;

/// The reader's ballot cookie: a random id, a year long, this path only.
const VOTER_COOKIE: &str = "sb_help_reader";
/// An app's help center and its colour, which every page is drawn in.
struct Look {
    app: Arc<App>,
    color: String,
}

/// The help center of the active app `app_slug`, or the page saying there is none.
async fn help_center(services: &Services, app_slug: &str) -> Result<Look, Response> {
    let app = services
        .help_center_app(app_slug)
        .await
        .map_err(|error| failure(None, app_slug, error))?;
    let color = services
        .help_center_color(&app.id)
        .await
        .map_err(|error| failure(None, app_slug, error))?;
    Ok(Look { app, color })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/help/{app}", get(home))
        .route("/help/{app}/search", get(search))
        .route("/help/{app}/collections/{slug}", get(collection))
        .route("/help/{app}/articles/{slug}", get(article))
        .route("/help/{app}/articles/{slug}/feedback", post(vote))
}

async fn home(State(services): State<Services>, Path(app_slug): Path<String>) -> Response {
    let app = match help_center(&services, &app_slug).await {
        Ok(app) => app,
        Err(response) => return response,
    };
    match services.help_home(&app.app).await {
        Ok(home) => {
            let loose = home
                .articles
                .into_iter()
                .filter(|a| a.collection_id.is_none())
                .collect();
            let collections = home.collections;
            let slug = app.app.slug.clone();
            page(
                &app,
                String::new(),
                String::new(),
                String::new(),
                move || {
                    view! {
                        <HelpHomeContent app_slug=slug collections=collections loose_articles=loose />
                    }
                },
            )
        }
        Err(error) => failure(Some(&app), &app_slug, error),
    }
}

async fn collection(
    State(services): State<Services>,
    Path((app_slug, slug)): Path<(String, String)>,
) -> Response {
    let app = match help_center(&services, &app_slug).await {
        Ok(app) => app,
        Err(response) => return response,
    };
    match services.help_collection(&app.app, &slug).await {
        Ok(found) => {
            let title = found.collection.name.clone();
            let description = found.collection.description.clone().unwrap_or_default();
            let slug = app.app.slug.clone();
            page(&app, title, description, String::new(), move || {
                view! {
                    <HelpCollectionContent
                        app_slug=slug
                        collection=found.collection
                        trail=found.trail
                        children=found.children
                        articles=found.articles
                    />
                }
            })
        }
        Err(error) => failure(Some(&app), &app_slug, error),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ArticleQuery {
    voted: Option<String>,
}

async fn article(
    State(services): State<Services>,
    Path((app_slug, slug)): Path<(String, String)>,
    Query(query): Query<ArticleQuery>,
) -> Response {
    let app = match help_center(&services, &app_slug).await {
        Ok(app) => app,
        Err(response) => return response,
    };
    match services.help_article(&app.app, &slug).await {
        Ok(found) => {
            let title = found.article.summary.title.clone();
            let slug = app.app.slug.clone();
            let voted = query.voted.is_some();
            page(&app, title, String::new(), String::new(), move || {
                view! {
                    <HelpArticleContent
                        app_slug=slug
                        article=found.article
                        trail=found.trail
                        voted=voted
                    />
                }
            })
        }
        Err(error) => failure(Some(&app), &app_slug, error),
    }
}

#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(services): State<Services>,
    Path(app_slug): Path<String>,
    Query(query): Query<SearchQuery>,
) -> Response {
    let app = match help_center(&services, &app_slug).await {
        Ok(app) => app,
        Err(response) => return response,
    };
    let q = query.q.trim().to_owned();
    if q.is_empty() {
        return redirect(&format!("/help/{}", app.app.slug), None);
    }
    match services.help_search(&app.app, &q).await {
        Ok(found) => {
            let shown = found.query.clone();
            page(
                &app,
                format!("Search: {shown}"),
                String::new(),
                shown.clone(),
                move || view! { <HelpSearchContent query=shown results=found.results /> },
            )
        }
        Err(error) => failure(Some(&app), &app_slug, error),
    }
}

#[derive(Debug, Deserialize)]
struct VoteForm {
    helpful: bool,
}

/// Records the reader's ballot (replacing their earlier one) and shows the article again.
async fn vote(
    State(services): State<Services>,
    Path((app_slug, slug)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<VoteForm>,
) -> Response {
    let app = match help_center(&services, &app_slug).await {
        Ok(app) => app,
        Err(response) => return response,
    };
    let known = reader_cookie(&headers);
    let reader = known
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let voter = format!("reader:{reader}");
    if let Err(error) = services
        .vote_on_help_article(&app.app, &slug, &voter, form.helpful)
        .await
    {
        return failure(Some(&app), &app_slug, error);
    }
    let cookie = known.is_none().then(|| {
        format!(
            "{VOTER_COOKIE}={reader}; Path=/help/{}; Max-Age=31536000; HttpOnly; SameSite=Lax",
            app.app.slug
        )
    });
    redirect(
        &format!("/help/{}/articles/{slug}?voted=1", app.app.slug),
        cookie,
    )
}

/// The reader's ballot cookie, when it is one this server could have set (32 hex digits).
fn reader_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VOTER_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 32 && value.chars().all(|c| c.is_ascii_hexdigit()))
}

fn redirect(location: &str, cookie: Option<String>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

/// A complete help-center document around `content`.
fn page<V: IntoView + 'static>(
    app: &Look,
    title: String,
    description: String,
    query: String,
    content: impl FnOnce() -> V + Send + 'static,
) -> Response {
    page_with_status(StatusCode::OK, app, title, description, query, content)
}

fn page_with_status<V: IntoView + 'static>(
    status: StatusCode,
    look: &Look,
    title: String,
    description: String,
    query: String,
    content: impl FnOnce() -> V + Send + 'static,
) -> Response {
    let app_name = look.app.name.clone();
    let app_slug = look.app.slug.clone();
    let color = look.color.clone();
    let owner = Owner::new();
    let body = owner.with(move || {
        view! {
            <HelpDocument
                title=title
                description=description
                app_name=app_name
                app_slug=app_slug
                color=color
                query=query
            >
                {content()}
            </HelpDocument>
        }
        .to_html()
    });
    let mut response = (status, format!("<!DOCTYPE html>{body}")).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A failure as a page: "not found" for what readers may not see, a plain error otherwise.
fn failure(app: Option<&Look>, app_slug: &str, error: Error) -> Response {
    let status = match error {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Invalid(_) | Error::InvalidFields(_) => StatusCode::BAD_REQUEST,
        ref other => {
            tracing::error!(error = %other, "help center page failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    match app {
        Some(app) => {
            let slug = app_slug.to_owned();
            let title = status.canonical_reason().unwrap_or("Error").to_owned();
            page_with_status(
                status,
                app,
                title,
                String::new(),
                String::new(),
                move || view! { <HelpNotFound app_slug=slug /> },
            )
        }
        None => (status, "No such help center").into_response(),
    }
}
