//! What readers see of the help center: the desk's collections holding the agent wing's
//! published public articles. The public pages (`/help/{appSlug}`) and the widget's help API
//! read it here; nothing here needs a credential, and nothing here shows a draft, an archived
//! or an internal article, or a collection without a published public article.

use std::sync::Arc;

use model::agent::knowledge::{Document, SearchKnowledge, SearchMode};
use model::desk::help_center::{
    Collection, HelpArticle, HelpArticleSummary, HelpHome, HelpSearchHit, HelpSearchResults,
};
use model::platform::apps::App;
use pulldown_cmark::{Options, Parser, html};

use crate::desk::help_center::parents_first;
use crate::platform::apps::to_app;
use crate::{Error, Result, Services};

/// Articles a front page or a collection page lists.
const LISTED_ARTICLES: i64 = 100;
/// Results a help-center search shows.
const SEARCH_RESULTS: i64 = 10;
const MAX_SEARCH_CHARS: usize = 200;
/// Characters of the best passage shown under a search result.
const SNIPPET_CHARS: usize = 220;

/// The path of an app's help center on this server.
pub fn help_center_path(app_slug: &str) -> String {
    format!("/help/{app_slug}")
}

/// The path of an article's page.
pub fn article_path(app_slug: &str, article_slug: &str) -> String {
    format!("/help/{app_slug}/articles/{article_slug}")
}

/// The path of a collection's page.
pub fn collection_path(app_slug: &str, collection_slug: &str) -> String {
    format!("/help/{app_slug}/collections/{collection_slug}")
}

/// A collection's page: the collection, its subcollections and its articles.
#[derive(Clone, Debug, PartialEq)]
pub struct HelpCollectionPage {
    pub collection: Collection,
    /// Its ancestors, outermost first.
    pub trail: Vec<Collection>,
    pub children: Vec<Collection>,
    pub articles: Vec<HelpArticleSummary>,
}

/// An article's page, with where it sits.
#[derive(Clone, Debug, PartialEq)]
pub struct HelpArticlePage {
    pub article: HelpArticle,
    /// Its collection and the collection's ancestors, outermost first.
    pub trail: Vec<Collection>,
}

impl Services {
    /// The active app a public help center belongs to.
    pub async fn help_center_app(&self, app_slug: &str) -> Result<Arc<App>> {
        let record = self
            .store()
            .app_by_slug(app_slug)
            .await?
            .filter(|app| app.is_active)
            .ok_or(Error::NotFound("help center"))?;
        Ok(Arc::new(to_app(record)))
    }

    /// The front page: collections that hold published public articles (or hold collections
    /// that do), parents first, and the articles by title.
    pub async fn help_home(&self, app: &App) -> Result<HelpHome> {
        let articles = self.public_articles(&app.id, None, LISTED_ARTICLES).await?;
        Ok(HelpHome {
            app_name: app.name.clone(),
            color: self.help_center_color(&app.id).await?,
            url: help_center_path(&app.slug),
            collections: self.visible_collections(app).await?,
            articles: articles.iter().map(|a| summary(app, a)).collect(),
        })
    }

    /// A collection's page by slug; "not found" when it shows nothing to readers.
    pub async fn help_collection(
        &self,
        app: &App,
        collection_slug: &str,
    ) -> Result<HelpCollectionPage> {
        let visible = self.visible_collections(app).await?;
        let collection = visible
            .iter()
            .find(|c| c.slug == collection_slug)
            .cloned()
            .ok_or(Error::NotFound("collection"))?;
        let children = visible
            .iter()
            .filter(|c| c.parent_id.as_deref() == Some(collection.id.as_str()))
            .cloned()
            .collect();
        let articles = self
            .public_articles(&app.id, Some(Some(&collection.id)), LISTED_ARTICLES)
            .await?;
        Ok(HelpCollectionPage {
            trail: trail(&visible, collection.parent_id.as_deref()),
            collection,
            children,
            articles: articles.iter().map(|a| summary(app, a)).collect(),
        })
    }

    /// A published public article by slug, its Markdown rendered to sanitised HTML.
    pub async fn help_article(&self, app: &App, slug: &str) -> Result<HelpArticlePage> {
        let record = self.public_article(&app.id, slug).await?;
        let visible = self.visible_collections(app).await?;
        let article = HelpArticle {
            summary: HelpArticleSummary {
                url: article_path(&app.slug, &record.slug),
                slug: record.slug,
                title: record.title,
                collection_id: record.collection_id.clone(),
                updated_at: record.updated_at,
            },
            html: render_markdown(&record.content),
        };
        Ok(HelpArticlePage {
            trail: trail(&visible, record.collection_id.as_deref()),
            article,
        })
    }

    /// Searches published public articles with the knowledge base's hybrid search (the voice
    /// agent's, limited to what readers may see); one hit per article, its best passage with
    /// the query's words marked.
    pub async fn help_search(&self, app: &App, query: &str) -> Result<HelpSearchResults> {
        let query = query.trim();
        if query.is_empty() || query.chars().count() > MAX_SEARCH_CHARS {
            return Err(Error::InvalidFields(vec![crate::error::FieldError::new(
                "q",
                format!("must be 1 to {MAX_SEARCH_CHARS} characters"),
            )]));
        }
        let input = SearchKnowledge {
            query: query.to_owned(),
            top_k: Some(SEARCH_RESULTS * 2),
            mode: Some(SearchMode::Hybrid),
            ..SearchKnowledge::default()
        };
        let found = self.search_public_articles(app, input, None).await?;
        let mut results: Vec<HelpSearchHit> = Vec::new();
        for hit in found.results {
            if results.iter().any(|r| r.article.title == hit.title) {
                continue;
            }
            // Deleted since the search: skipped.
            let Some(article) = self.store().knowledge_document(&app.id, &hit.id).await? else {
                continue;
            };
            results.push(HelpSearchHit {
                article: HelpArticleSummary {
                    url: article_path(&app.slug, &article.slug),
                    slug: article.slug,
                    title: article.title,
                    collection_id: article.collection_id,
                    updated_at: article.updated_at,
                },
                snippet_html: highlighted_snippet(&hit.content, query),
            });
            if results.len() as i64 >= SEARCH_RESULTS {
                break;
            }
        }
        Ok(HelpSearchResults {
            query: query.to_owned(),
            results,
        })
    }

    /// Records a reader's "Was this helpful?" ballot; `voter` names the widget session or the
    /// help-center visitor's cookie, and a second ballot replaces the first.
    pub async fn vote_on_help_article(
        &self,
        app: &App,
        slug: &str,
        voter: &str,
        helpful: bool,
    ) -> Result<()> {
        self.vote_on_article(&app.id, slug, voter, helpful).await
    }

    /// Collections readers see: those holding a published public article, and their
    /// ancestors; parents first.
    async fn visible_collections(&self, app: &App) -> Result<Vec<Collection>> {
        let all = parents_first(self.desk().collection_forest(&app.id).await?);
        let counts = self.public_article_counts(&app.id).await?;
        let mut shown: std::collections::HashSet<String> = std::collections::HashSet::new();
        for collection in &all {
            if counts
                .get(&Some(collection.id.clone()))
                .copied()
                .unwrap_or(0)
                > 0
            {
                let mut at = Some(collection.id.as_str());
                while let Some(id) = at {
                    if !shown.insert(id.to_owned()) {
                        break;
                    }
                    at = all
                        .iter()
                        .find(|c| c.id == id)
                        .and_then(|c| c.parent_id.as_deref());
                }
            }
        }
        Ok(all.into_iter().filter(|c| shown.contains(&c.id)).collect())
    }
}

fn summary(app: &App, document: &Document) -> HelpArticleSummary {
    HelpArticleSummary {
        slug: document.slug.clone(),
        title: document.title.clone(),
        collection_id: document.collection_id.clone(),
        url: article_path(&app.slug, &document.slug),
        updated_at: document.updated_at,
    }
}

/// The collection `id` and its ancestors, outermost first.
fn trail(collections: &[Collection], id: Option<&str>) -> Vec<Collection> {
    let mut trail = Vec::new();
    let mut at = id;
    while let Some(current) = at {
        let Some(collection) = collections.iter().find(|c| c.id == current) else {
            break;
        };
        if trail.iter().any(|c: &Collection| c.id == collection.id) {
            break;
        }
        trail.push(collection.clone());
        at = collection.parent_id.as_deref();
    }
    trail.reverse();
    trail
}

/// Markdown to HTML that is safe to show: ammonia keeps formatting and links and drops
/// scripts, handlers and anything else that could run.
pub fn render_markdown(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

/// The part of `passage` around the query's first matching word, HTML-escaped, with every
/// word of the query in `<mark>`.
pub fn highlighted_snippet(passage: &str, query: &str) -> String {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect();
    let text: String = passage
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['#', '*', '`'], "");
    let lower = text.to_lowercase();
    // Start a little before the first match, at a char boundary; lowercasing can change byte
    // lengths, so positions are found in chars.
    let first_match = words
        .iter()
        .filter_map(|w| lower.find(w.as_str()).map(|at| lower[..at].chars().count()))
        .min()
        .unwrap_or(0);
    let start = first_match.saturating_sub(60);
    let chars: Vec<char> = text.chars().collect();
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let window: String = chars[start..end].iter().collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let escaped = escape_html(word);
        if words
            .iter()
            .any(|w| word.to_lowercase().starts_with(w.as_str()))
        {
            out.push_str("<mark>");
            out.push_str(&escaped);
            out.push_str("</mark>");
        } else {
            out.push_str(&escaped);
        }
        word.clear();
    };
    for c in window.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&escape_html(&c.to_string()));
        }
    }
    flush(&mut word, &mut out);
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_without_scripts() {
        let html = render_markdown(
            "# Refunds\n\nSee [policy](https://example.com).\n\n<script>alert(1)</script>\
             <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<h1>Refunds</h1>"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn snippets_mark_the_query_words_and_escape_the_rest() {
        let snippet = highlighted_snippet(
            "Refunds <b>arrive</b> within five business days of the return.",
            "refund days",
        );
        assert_eq!(
            snippet,
            "<mark>Refunds</mark> &lt;b&gt;arrive&lt;/b&gt; within five business \
             <mark>days</mark> of the return."
        );
        let long = format!(
            "{} the refund window {}",
            "word ".repeat(100),
            "tail ".repeat(100)
        );
        let snippet = highlighted_snippet(&long, "refund");
        assert!(
            snippet.starts_with('…') && snippet.ends_with('…'),
            "{snippet}"
        );
        assert!(snippet.contains("<mark>refund</mark>"), "{snippet}");
    }
}
