//! The help center in the widget: published public articles of the visitor's app.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::help_center::{
    ArticleVote, HelpArticle, HelpHome, HelpSearchQuery, HelpSearchResults,
};

use crate::http::{ApiError, ApiJson, ApiQuery, WidgetVisitor};

/// The help center's front page: collections and articles. `url`s are paths on this server.
#[utoipa::path(
    get,
    path = "/api/widget/help",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The help center", body = HelpHome))
)]
pub async fn home(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<HelpHome>, ApiError> {
    Ok(Json(services.help_home(&visitor.app).await?))
}

/// A published public article, rendered to sanitised HTML.
#[utoipa::path(
    get,
    path = "/api/widget/help/articles/{slug}",
    tag = "widget",
    params(("slug" = String, Path, description = "The article's slug")),
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The article", body = HelpArticle),
        (status = 404, description = "No published public article has this slug", body = ErrorBody),
    )
)]
pub async fn article(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(slug): Path<String>,
) -> Result<Json<HelpArticle>, ApiError> {
    Ok(Json(
        services.help_article(&visitor.app, &slug).await?.article,
    ))
}

/// Searches published public articles; each hit's best passage has the query's words marked.
#[utoipa::path(
    get,
    path = "/api/widget/help/search",
    tag = "widget",
    params(HelpSearchQuery),
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "Best first", body = HelpSearchResults),
        (status = 400, description = "An empty or too long query", body = ErrorBody),
    )
)]
pub async fn search(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    ApiQuery(query): ApiQuery<HelpSearchQuery>,
) -> Result<Json<HelpSearchResults>, ApiError> {
    Ok(Json(services.help_search(&visitor.app, &query.q).await?))
}

/// "Was this helpful?": one ballot per widget session and article; voting again replaces it.
#[utoipa::path(
    post,
    path = "/api/widget/help/articles/{slug}/feedback",
    tag = "widget",
    params(("slug" = String, Path, description = "The article's slug")),
    request_body = ArticleVote,
    security(("widgetSession" = [])),
    responses(
        (status = 204, description = "Recorded"),
        (status = 404, description = "No published public article has this slug", body = ErrorBody),
    )
)]
pub async fn vote(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(slug): Path<String>,
    ApiJson(vote): ApiJson<ArticleVote>,
) -> Result<StatusCode, ApiError> {
    let voter = format!("widget:{}", visitor.session_id());
    services
        .vote_on_help_article(&visitor.app, &slug, &voter, vote.helpful)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
