//! The help center: collections (a tree per app) of articles, which are the app's knowledge
//! documents that are published and public; and what the widget reads of it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    /// Unique in the app; the help center's address of the collection.
    pub slug: String,
    pub description: Option<String>,
    /// Order among its siblings, from 0.
    pub position: i64,
    /// Documents in it, of any status.
    pub article_count: i64,
    /// Published public articles in it: what readers see.
    pub published_article_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CollectionList {
    /// Parents before children; siblings by position.
    pub collections: Vec<Collection>,
}

/// A collection with its children: `GET /api/help/collections/tree`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CollectionNode {
    #[serde(flatten)]
    pub collection: Collection,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<CollectionNode>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CollectionTree {
    /// The top-level collections, by position, each with its children.
    pub collections: Vec<CollectionNode>,
}

/// `POST /api/help/collections`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCollection {
    /// 1–100 characters.
    pub name: String,
    /// Made from the name unless given.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A collection of the same app; top level when absent.
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// `PATCH /api/help/collections/{id}`: only the fields present change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectionPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    /// `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<String>>,
    /// `null` moves it to the top level. A collection cannot move under itself or its
    /// descendants.
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub parent_id: Option<Option<String>>,
}

/// `POST /api/help/collections/reorder`: the new order of one parent's children.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReorderCollections {
    /// The parent whose children these are; the top level when absent.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// Every child of the parent, each once, in the new order.
    pub ids: Vec<String>,
}

/// How the public help center looks: `GET|PUT /api/help/settings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelpCenterSettings {
    /// `#rrggbb`: the header and links (a blue until chosen).
    pub color: String,
}

/// The help center's colour until the app chooses one.
pub const DEFAULT_HELP_CENTER_COLOR: &str = "#1d4ed8";

/// An article as readers see it: the widget's help API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelpArticleSummary {
    pub slug: String,
    pub title: String,
    pub collection_id: Option<String>,
    /// The help center's page of the article.
    pub url: String,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelpArticle {
    #[serde(flatten)]
    pub summary: HelpArticleSummary,
    /// The article rendered to sanitised HTML.
    pub html: String,
}

/// `GET /api/widget/help`: the help center's front page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelpHome {
    pub app_name: String,
    /// `#rrggbb`.
    pub color: String,
    /// The help center's address.
    pub url: String,
    /// Collections holding published public articles, parents first.
    pub collections: Vec<Collection>,
    /// Published public articles, by title (at most 100).
    pub articles: Vec<HelpArticleSummary>,
}

/// `GET /api/widget/help/search`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelpSearchQuery {
    /// 1–200 characters.
    pub q: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelpSearchHit {
    #[serde(flatten)]
    pub article: HelpArticleSummary,
    /// The best matching passage, HTML-escaped, the query's words in `<mark>`.
    pub snippet_html: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelpSearchResults {
    pub query: String,
    /// Best first; one hit per article.
    pub results: Vec<HelpSearchHit>,
}

/// "Was this helpful?" on an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArticleVote {
    pub helpful: bool,
}

/// An article as the dashboard's help-center editor lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorArticle {
    /// The knowledge document's id.
    pub id: String,
    pub title: String,
    pub slug: String,
    /// `draft`, `published` or `archived`.
    pub status: String,
    /// `public` or `internal`.
    pub visibility: String,
    pub collection_id: Option<String>,
    /// Readers' ballots.
    pub helpful: i64,
    pub not_helpful: i64,
    /// The help-center page, when readers can see the article (published and public).
    pub public_url: Option<String>,
    pub updated_at: i64,
}

/// One article in the editor, with its Markdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorArticleDetail {
    pub article: EditorArticle,
    pub content: String,
}

/// What the editor saves: a new article (no `id`) or changes to one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveHelpArticle {
    pub id: Option<String>,
    pub title: String,
    /// Made from the title when absent.
    pub slug: Option<String>,
    pub collection_id: Option<String>,
    /// `public` or `internal`.
    pub visibility: String,
    /// `draft`, `published` or `archived`.
    pub status: String,
    /// Markdown.
    pub content: String,
}
