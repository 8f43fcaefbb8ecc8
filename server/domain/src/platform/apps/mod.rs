//! Apps: creation with validated settings, secret rotation, activation.

mod checks;

use checks::{check_slug, check_supplied_secret, check_text};
use model::platform::apps::{App, AppPatch, AppSettings, AppWithSecret, CreateApp};
use model::platform::users::Permission;
use serde_json::Value;
use store::{AppRecord, StoreError, WorkspaceRecord};

use crate::error::FieldError;
use crate::ids::new_id;
use crate::platform::Platform;
use crate::platform::audit::AuditEvent;
use crate::platform::secrets::{self, APP_SECRET_PREFIX};
use crate::{Actor, Error, Principal, Result, Services};

const DEFAULT_WORKSPACE_NAME: &str = "Default";

impl Platform<'_> {
    /// Creates an app and answers its secret, which is never shown again.
    pub async fn create_app(&self, actor: &Actor, input: CreateApp) -> Result<AppWithSecret> {
        let mut problems = Vec::new();
        let slug = input.slug.trim().to_owned();
        check_slug(&slug, &mut problems);
        let name = input.name.trim().to_owned();
        check_text("name", &name, 1, 200, &mut problems);
        if let Some(secret) = &input.secret {
            check_supplied_secret(secret, &mut problems);
        }
        self.check_settings(&input.settings, &mut problems);
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }

        let store = self.store();
        let workspace_id = match input.workspace_id {
            Some(id) => id,
            None => self.workspace_for(actor).await?,
        };
        actor.require(&workspace_id, Permission::AppsManage)?;
        let secret = match input.secret {
            Some(secret) => secret,
            None => secrets::generate(APP_SECRET_PREFIX)?,
        };
        let now = self.now_ms();
        let record = with_settings(
            AppRecord {
                id: new_id(),
                workspace_id,
                slug,
                name,
                is_active: true,
                secret_hash: secrets::hash(&secret),
                created_at: now,
                updated_at: now,
                ..AppRecord::default()
            },
            input.settings,
        );
        match store.insert_app(&record).await {
            Err(StoreError::UniqueViolation) => return Err(Error::AlreadyExists("app slug")),
            Err(StoreError::ForeignKeyViolation) => return Err(Error::NotFound("workspace")),
            other => other?,
        }
        self.audit_app(actor, "app.created", &record, None).await?;
        Ok(AppWithSecret {
            app: to_app(record),
            app_secret: secret,
        })
    }

    /// The apps the actor may see, by slug.
    pub async fn list_apps(&self, actor: &Actor) -> Result<Vec<App>> {
        let records = self.store().list_apps(None).await?;
        Ok(records
            .into_iter()
            .filter(|app| actor.can(&app.workspace_id, Permission::AppsRead))
            .map(to_app)
            .collect())
    }

    pub async fn app_by_slug(&self, actor: &Actor, slug: &str) -> Result<App> {
        Ok(to_app(
            self.app_record(actor, slug, Permission::AppsRead).await?,
        ))
    }

    /// Changes the name and settings named in `patch` (seed 000's field names); other fields
    /// keep their values. The result is validated like a new app.
    pub async fn update_app(&self, actor: &Actor, slug: &str, patch: AppPatch) -> Result<App> {
        let record = self.app_record(actor, slug, Permission::AppsManage).await?;
        let current = to_app(record.clone());
        let mut name = current.name.clone();
        let mut settings = current.settings.clone();
        let fields = patch.field_names();
        patch.apply(&mut name, &mut settings);
        let name = name.trim().to_owned();
        let mut problems = Vec::new();
        check_text("name", &name, 1, 200, &mut problems);
        self.check_settings(&settings, &mut problems);
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        let updated = with_settings(
            AppRecord {
                name,
                updated_at: self.now_ms(),
                ..record
            },
            settings,
        );
        self.store().update_app(&updated).await?;
        self.audit_app(
            actor,
            "app.updated",
            &updated,
            Some(serde_json::json!({ "fields": fields })),
        )
        .await?;
        Ok(to_app(updated))
    }

    /// Replaces the app's secret; the old one stops working at once.
    pub async fn rotate_app_secret(&self, actor: &Actor, slug: &str) -> Result<AppWithSecret> {
        let record = self.app_record(actor, slug, Permission::AppsManage).await?;
        let secret = secrets::generate(APP_SECRET_PREFIX)?;
        let now = self.now_ms();
        self.store()
            .set_app_secret_hash(&record.id, &secrets::hash(&secret), now)
            .await?;
        self.audit_app(actor, "app.secret.rotated", &record, None)
            .await?;
        Ok(AppWithSecret {
            app: to_app(AppRecord {
                updated_at: now,
                ..record
            }),
            app_secret: secret,
        })
    }

    /// Activates or deactivates an app. An inactive app's credentials are refused.
    pub async fn set_app_active(&self, actor: &Actor, slug: &str, active: bool) -> Result<App> {
        let record = AppRecord {
            is_active: active,
            updated_at: self.now_ms(),
            ..self.app_record(actor, slug, Permission::AppsManage).await?
        };
        self.store().update_app(&record).await?;
        let action = if active {
            "app.activated"
        } else {
            "app.deactivated"
        };
        self.audit_app(actor, action, &record, None).await?;
        Ok(to_app(record))
    }
}

impl Services {
    /// Changes an app's settings on behalf of its own credentials (persona edits), validated
    /// like any app update.
    pub(crate) async fn change_app_settings(
        &self,
        app_id: &str,
        slug: &str,
        change: impl FnOnce(&mut AppSettings) -> Result<()>,
    ) -> Result<App> {
        let record = self
            .store()
            .app_by_slug(slug)
            .await?
            .filter(|record| record.id == app_id)
            .ok_or(Error::NotFound("app"))?;
        let mut settings = to_app(record.clone()).settings;
        change(&mut settings)?;
        let mut problems = Vec::new();
        self.check_settings(&settings, &mut problems);
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        let updated = with_settings(
            AppRecord {
                updated_at: self.now_ms(),
                ..record
            },
            settings,
        );
        self.store().update_app(&updated).await?;
        self.auth_cache().evict_app(&updated.id);
        Ok(to_app(updated))
    }

    /// The app, if the actor holds `permission` in its workspace; "not found" for outsiders.
    pub(crate) async fn app_record(
        &self,
        actor: &Actor,
        slug: &str,
        permission: Permission,
    ) -> Result<AppRecord> {
        let record = self
            .store()
            .app_by_slug(slug)
            .await?
            .ok_or(Error::NotFound("app"))?;
        actor.require_for(&record.workspace_id, permission, "app")?;
        Ok(record)
    }

    async fn audit_app(
        &self,
        actor: &Actor,
        action: &'static str,
        app: &AppRecord,
        details: Option<Value>,
    ) -> Result<()> {
        // Credentials cached for this app carry its old state.
        self.auth_cache().evict_app(&app.id);
        tracing::info!(app = %app.slug, action, "app changed");
        self.audit(
            actor,
            AuditEvent {
                action,
                target_type: "app",
                target_id: Some(app.slug.clone()),
                workspace_id: Some(app.workspace_id.clone()),
                app_id: Some(app.id.clone()),
                details,
            },
        )
        .await
    }

    /// Where an app goes when no workspace is named: the operator's default workspace, or the
    /// user's only workspace.
    pub(crate) async fn workspace_for(&self, actor: &Actor) -> Result<String> {
        match &actor.principal {
            Principal::Operator => Ok(self.default_workspace().await?.id),
            Principal::User(user) => match user.memberships.as_slice() {
                [only] => Ok(only.workspace_id.clone()),
                _ => Err(Error::Invalid(
                    "workspaceId is required: you belong to several workspaces".to_owned(),
                )),
            },
        }
    }

    /// The first workspace, created on first use.
    pub(crate) async fn default_workspace(&self) -> Result<WorkspaceRecord> {
        let store = self.store();
        if let Some(first) = store.list_workspaces().await?.into_iter().next() {
            return Ok(first);
        }
        let now = self.now_ms();
        let workspace = WorkspaceRecord::new(
            new_id(),
            DEFAULT_WORKSPACE_NAME.to_owned(),
            crate::platform::audit::DEFAULT_RETENTION_DAYS,
            now,
        );
        store.insert_workspace(&workspace).await?;
        Ok(workspace)
    }
}

/// `record` with every setting taken from `settings`.
fn with_settings(record: AppRecord, settings: AppSettings) -> AppRecord {
    AppRecord {
        model_id: settings.model_id.trim().to_owned(),
        reply_as_audio: settings.reply_as_audio,
        temperature: settings.temperature,
        system_prompt: settings.system_prompt,
        voice: settings.voice,
        token_expire_minutes: settings.token_expire_minutes,
        persona_name: settings.persona_name,
        persona_greeting: settings.persona_greeting,
        persona_tone: settings.persona_tone,
        preferred_terms: Some(settings.preferred_terms),
        blocked_terms: Some(settings.blocked_terms),
        guardrails_enabled: settings.guardrails_enabled,
        max_actions_per_turn: settings.max_actions_per_turn,
        handoff_enabled: settings.handoff_enabled,
        handoff_webhook_url: settings.handoff_webhook_url,
        handoff_expiration_seconds: settings.handoff_expiration_seconds,
        knowledge_threshold: settings.knowledge_threshold,
        ui_strings: Some(settings.ui_strings),
        // Checked before: normalizing cannot fail here.
        allowed_origins: settings.allowed_origins.map(|origins| {
            model::platform::origins::normalize_origin_patterns(&origins).unwrap_or(origins)
        }),
        ..record
    }
}

/// The API's view of a row: everything but the secret hash.
pub(crate) fn to_app(record: AppRecord) -> App {
    App {
        id: record.id,
        workspace_id: record.workspace_id,
        slug: record.slug,
        name: record.name,
        is_active: record.is_active,
        settings: AppSettings {
            model_id: record.model_id,
            reply_as_audio: record.reply_as_audio,
            temperature: record.temperature,
            system_prompt: record.system_prompt,
            voice: record.voice,
            token_expire_minutes: record.token_expire_minutes,
            persona_name: record.persona_name,
            persona_greeting: record.persona_greeting,
            persona_tone: record.persona_tone,
            preferred_terms: record.preferred_terms.unwrap_or_default(),
            blocked_terms: record.blocked_terms.unwrap_or_default(),
            guardrails_enabled: record.guardrails_enabled,
            max_actions_per_turn: record.max_actions_per_turn,
            handoff_enabled: record.handoff_enabled,
            handoff_webhook_url: record.handoff_webhook_url,
            handoff_expiration_seconds: record.handoff_expiration_seconds,
            knowledge_threshold: record.knowledge_threshold,
            ui_strings: record.ui_strings.unwrap_or_default(),
            allowed_origins: record.allowed_origins,
        },
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use model::platform::apps::{AppSettings, CreateApp};
    use store::testkit::{TestDatabase, dump_all_tables};

    use super::*;
    use crate::Integrations;

    pub(crate) async fn services() -> (TestDatabase, Services) {
        let db = TestDatabase::new().await;
        let services = Services::new(
            db.store.clone(),
            Integrations::default(),
            crate::ports::testing::offline(),
            crate::platform::encryption::Keyring::ephemeral().unwrap(),
        );
        (db, services)
    }

    pub(crate) fn new_app(slug: &str) -> CreateApp {
        CreateApp {
            slug: slug.to_owned(),
            name: format!("App {slug}"),
            secret: None,
            workspace_id: None,
            settings: AppSettings::default(),
        }
    }

    #[tokio::test]
    async fn creating_an_app_answers_its_secret_once_and_stores_only_a_hash() {
        let (db, services) = services().await;
        let created = services
            .platform()
            .create_app(&Actor::operator(), new_app("my-app"))
            .await
            .unwrap();
        assert!(created.app_secret.starts_with(APP_SECRET_PREFIX));
        assert!(created.app.is_active);
        assert_eq!(created.app.settings, AppSettings::default());

        let dump = dump_all_tables(&db.store).await;
        assert!(dump.contains("my-app"));
        assert!(!dump.contains(&created.app_secret), "{dump}");
        assert!(dump.contains(&secrets::hash(&created.app_secret)));
    }

    #[tokio::test]
    async fn every_invalid_field_is_reported_at_once() {
        let (_db, services) = services().await;
        let mut input = new_app("Bad Slug!");
        input.name = "  ".to_owned();
        input.secret = Some("short".to_owned());
        input.settings.temperature = Some(3.5);
        input.settings.knowledge_threshold = Some(-0.1);
        input.settings.handoff_webhook_url = Some("ftp://x".to_owned());
        let Err(Error::InvalidFields(fields)) = services
            .platform()
            .create_app(&Actor::operator(), input)
            .await
        else {
            panic!("expected InvalidFields");
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "slug",
                "name",
                "secret",
                "temperature",
                "knowledgeThreshold",
                "handoffWebhookUrl"
            ]
        );
    }

    #[tokio::test]
    async fn webhook_urls_the_ssrf_guard_refuses_are_refused_when_saved() {
        let (_db, services) = services().await;
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://10.0.0.7/hook",
            "http://[::1]/hook",
            "https://user:pass@hooks.example.com/",
            "file:///etc/passwd",
        ] {
            let mut input = new_app("hooked");
            input.settings.handoff_webhook_url = Some(url.to_owned());
            let Err(Error::InvalidFields(fields)) = services
                .platform()
                .create_app(&Actor::operator(), input)
                .await
            else {
                panic!("{url} was accepted");
            };
            assert_eq!(fields[0].field, "handoffWebhookUrl", "{url}");
        }
        let created = services
            .platform()
            .create_app(&Actor::operator(), new_app("hooked"))
            .await
            .unwrap();
        let patch = AppPatch {
            handoff_webhook_url: Some(Some("http://127.0.0.1/x".to_owned())),
            ..AppPatch::default()
        };
        let refused = services
            .platform()
            .update_app(&Actor::operator(), &created.app.slug, patch)
            .await;
        assert!(
            matches!(refused, Err(Error::InvalidFields(_))),
            "{refused:?}"
        );

        let mut input = new_app("public-hook");
        input.settings.handoff_webhook_url = Some("https://hooks.example.com/in".to_owned());
        assert!(
            services
                .platform()
                .create_app(&Actor::operator(), input)
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn slug_rules() {
        for ok in ["ab", "my-app", "app_2", "a1b2"] {
            let mut problems = Vec::new();
            check_slug(ok, &mut problems);
            assert!(problems.is_empty(), "{ok}");
        }
        for bad in ["a", "-app", "app-", "My-App", "a b", "ünï", &"x".repeat(65)] {
            let mut problems = Vec::new();
            check_slug(bad, &mut problems);
            assert_eq!(problems.len(), 1, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_taken_slug_is_already_exists() {
        let (_db, services) = services().await;
        services
            .platform()
            .create_app(&Actor::operator(), new_app("dup"))
            .await
            .unwrap();
        let err = services
            .platform()
            .create_app(&Actor::operator(), new_app("dup"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::AlreadyExists(_)), "{err:?}");
    }

    #[tokio::test]
    async fn apps_share_the_default_workspace() {
        let (_db, services) = services().await;
        let one = services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap();
        let two = services
            .platform()
            .create_app(&Actor::operator(), new_app("two"))
            .await
            .unwrap();
        assert_eq!(one.app.workspace_id, two.app.workspace_id);
        let mut elsewhere = new_app("three");
        elsewhere.workspace_id = Some("no-such-workspace".to_owned());
        let err = services
            .platform()
            .create_app(&Actor::operator(), elsewhere)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound("workspace")), "{err:?}");
    }

    #[tokio::test]
    async fn a_supplied_secret_is_kept_for_migrated_clients() {
        let (_db, services) = services().await;
        let mut input = new_app("moved");
        input.secret = Some("an-existing-secret-0123456789".to_owned());
        let created = services
            .platform()
            .create_app(&Actor::operator(), input)
            .await
            .unwrap();
        assert_eq!(created.app_secret, "an-existing-secret-0123456789");
        services
            .platform()
            .authenticate_app_secret("moved", "an-existing-secret-0123456789")
            .await
            .unwrap();
    }
}
