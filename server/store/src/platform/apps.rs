//! Apps: tenants of the agent API, with their model, persona, guardrail and handoff settings.

use serde_json::{Map, Value};
use sqlx::types::Json;

use crate::{Store, StoreError, StoreResult, on_pool};

/// One row of `apps`. `secret_hash` is the SHA-256 of the secret, never the secret.
#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct AppRecord {
    pub id: String,
    pub workspace_id: String,
    pub slug: String,
    pub name: String,
    pub is_active: bool,
    pub secret_hash: String,
    pub model_id: String,
    pub reply_as_audio: bool,
    pub temperature: Option<f64>,
    pub system_prompt: String,
    pub voice: Option<String>,
    pub token_expire_minutes: Option<i64>,
    pub persona_name: Option<String>,
    pub persona_greeting: Option<String>,
    pub persona_tone: Option<String>,
    #[sqlx(json(nullable))]
    pub preferred_terms: Option<Vec<String>>,
    #[sqlx(json(nullable))]
    pub blocked_terms: Option<Vec<String>>,
    pub guardrails_enabled: bool,
    pub max_actions_per_turn: Option<i64>,
    pub handoff_enabled: bool,
    pub handoff_webhook_url: Option<String>,
    pub handoff_expiration_seconds: Option<i64>,
    pub knowledge_threshold: Option<f64>,
    #[sqlx(json(nullable))]
    pub ui_strings: Option<Map<String, Value>>,
    #[sqlx(json(nullable))]
    pub allowed_origins: Option<Vec<String>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Every column, in `AppRecord`'s order; `JOIN`s select the same list with a table prefix.
pub(crate) const APP_COLUMNS: &str = "id, workspace_id, slug, name, is_active, secret_hash, \
    model_id, reply_as_audio, temperature, system_prompt, voice, token_expire_minutes, \
    persona_name, persona_greeting, persona_tone, preferred_terms, blocked_terms, \
    guardrails_enabled, max_actions_per_turn, handoff_enabled, handoff_webhook_url, \
    handoff_expiration_seconds, knowledge_threshold, ui_strings, allowed_origins, created_at, \
    updated_at";

impl Store {
    /// Inserts a new app; a taken slug is `UniqueViolation`.
    pub async fn insert_app(&self, app: &AppRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO apps ({APP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&app.id)
            .bind(&app.workspace_id)
            .bind(&app.slug)
            .bind(&app.name)
            .bind(app.is_active)
            .bind(&app.secret_hash)
            .bind(&app.model_id)
            .bind(app.reply_as_audio)
            .bind(app.temperature)
            .bind(&app.system_prompt)
            .bind(&app.voice)
            .bind(app.token_expire_minutes)
            .bind(&app.persona_name)
            .bind(&app.persona_greeting)
            .bind(&app.persona_tone)
            .bind(app.preferred_terms.as_ref().map(Json))
            .bind(app.blocked_terms.as_ref().map(Json))
            .bind(app.guardrails_enabled)
            .bind(app.max_actions_per_turn)
            .bind(app.handoff_enabled)
            .bind(&app.handoff_webhook_url)
            .bind(app.handoff_expiration_seconds)
            .bind(app.knowledge_threshold)
            .bind(app.ui_strings.as_ref().map(Json))
            .bind(app.allowed_origins.as_ref().map(Json))
            .bind(app.created_at)
            .bind(app.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Writes every setting of an existing app (not its secret, slug or workspace).
    pub async fn update_app(&self, app: &AppRecord) -> StoreResult<()> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE apps SET name = $2, is_active = $3, model_id = $4, reply_as_audio = $5, \
             temperature = $6, system_prompt = $7, voice = $8, token_expire_minutes = $9, \
             persona_name = $10, persona_greeting = $11, persona_tone = $12, \
             preferred_terms = $13, blocked_terms = $14, guardrails_enabled = $15, \
             max_actions_per_turn = $16, handoff_enabled = $17, handoff_webhook_url = $18, \
             handoff_expiration_seconds = $19, knowledge_threshold = $20, ui_strings = $21, \
             allowed_origins = $22, updated_at = $23 WHERE id = $1",
        )
        .bind(&app.id)
        .bind(&app.name)
        .bind(app.is_active)
        .bind(&app.model_id)
        .bind(app.reply_as_audio)
        .bind(app.temperature)
        .bind(&app.system_prompt)
        .bind(&app.voice)
        .bind(app.token_expire_minutes)
        .bind(&app.persona_name)
        .bind(&app.persona_greeting)
        .bind(&app.persona_tone)
        .bind(app.preferred_terms.as_ref().map(Json))
        .bind(app.blocked_terms.as_ref().map(Json))
        .bind(app.guardrails_enabled)
        .bind(app.max_actions_per_turn)
        .bind(app.handoff_enabled)
        .bind(&app.handoff_webhook_url)
        .bind(app.handoff_expiration_seconds)
        .bind(app.knowledge_threshold)
        .bind(app.ui_strings.as_ref().map(Json))
        .bind(app.allowed_origins.as_ref().map(Json))
        .bind(app.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Replaces an app's secret hash.
    pub async fn set_app_secret_hash(&self, app_id: &str, hash: &str, now: i64) -> StoreResult<()> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE apps SET secret_hash = $2, updated_at = $3 WHERE id = $1",
        )
        .bind(app_id)
        .bind(hash)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn app_by_slug(&self, slug: &str) -> StoreResult<Option<AppRecord>> {
        let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE slug = $1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AppRecord>(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn app_by_id(&self, id: &str) -> StoreResult<Option<AppRecord>> {
        let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AppRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Every app, or those of one workspace, by slug.
    pub async fn list_apps(&self, workspace_id: Option<&str>) -> StoreResult<Vec<AppRecord>> {
        let sql = format!(
            "SELECT {APP_COLUMNS} FROM apps \
             WHERE ($1 IS NULL OR workspace_id = $1) ORDER BY slug"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AppRecord>(&sql)
            .bind(workspace_id)
            .fetch_all(pool)
            .await)?)
    }
}
