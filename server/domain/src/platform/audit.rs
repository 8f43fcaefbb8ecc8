//! The audit log: every administrative action, readable by owners and admins, kept for the
//! workspace's retention period.

use model::platform::audit::{AuditEntry, AuditPage};
use model::platform::users::Permission;
use serde_json::Value;
use store::AuditRecord;

use crate::ids::new_id;
use crate::platform::Platform;
use crate::validation::Paging;
use crate::{Actor, Caller, Error, Result, Services};

pub const DEFAULT_RETENTION_DAYS: i64 = 90;
pub const RETENTION_CHOICES: [i64; 3] = model::platform::dashboard::AUDIT_RETENTION_CHOICES;
const MAX_PAGE: i64 = 200;

/// Who did something, as the audit log names them.
pub(crate) struct AuditActor {
    /// `user`, `cli`, `app` or `session_token`.
    pub kind: &'static str,
    pub id: Option<String>,
    pub label: String,
    pub source_ip: Option<String>,
}

/// One action to record.
pub(crate) struct AuditEvent {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub workspace_id: Option<String>,
    pub app_id: Option<String>,
    pub details: Option<Value>,
}

impl Platform<'_> {
    /// A page of a workspace's audit log, newest first. `cursor` is a previous page's
    /// `nextCursor`.
    pub async fn list_audit(
        &self,
        actor: &Actor,
        workspace_id: &str,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<AuditPage> {
        actor.require(workspace_id, Permission::AuditRead)?;
        let paging = Paging::new(cursor, limit, 50, MAX_PAGE)?;
        let records = self
            .store()
            .list_audit(workspace_id, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |r| (r.created_at, r.id.as_str()));
        let entries = records.into_iter().map(to_entry).collect();
        Ok(AuditPage {
            entries,
            next_cursor,
        })
    }

    /// Sets how many days of audit log a workspace keeps (30, 90 or 365).
    pub async fn set_audit_retention(
        &self,
        actor: &Actor,
        workspace_id: &str,
        days: i64,
    ) -> Result<()> {
        actor.require(workspace_id, Permission::SettingsSecurity)?;
        if !RETENTION_CHOICES.contains(&days) {
            return Err(Error::Invalid(
                "audit retention must be 30, 90 or 365 days".to_owned(),
            ));
        }
        self.store()
            .set_audit_retention(workspace_id, days, self.now_ms())
            .await?;
        self.audit(
            actor,
            AuditEvent {
                action: "workspace.audit_retention.changed",
                target_type: "workspace",
                target_id: Some(workspace_id.to_owned()),
                workspace_id: Some(workspace_id.to_owned()),
                app_id: None,
                details: Some(serde_json::json!({ "days": days })),
            },
        )
        .await
    }

    /// Deletes entries older than their workspace's retention; run periodically.
    pub async fn purge_audit(&self) -> Result<u64> {
        Ok(self.store().purge_audit(self.now_ms()).await?)
    }
}

impl Services {
    pub(crate) async fn audit(&self, actor: &Actor, event: AuditEvent) -> Result<()> {
        self.record_audit(actor.audit_identity(), event).await
    }

    /// Records a change made through an app's rights (`caller`): the agent's behaviour
    /// (persona, rules, tools, knowledge, experiments), its signing secret, handoff decisions.
    pub(crate) async fn audit_change(
        &self,
        caller: &Caller,
        action: &'static str,
        target_type: &'static str,
        target_id: Option<String>,
        details: Option<Value>,
    ) -> Result<()> {
        let event = AuditEvent {
            action,
            target_type,
            target_id,
            workspace_id: Some(caller.app.workspace_id.clone()),
            app_id: Some(caller.app.id.clone()),
            details,
        };
        self.record_audit(caller.audit_identity(), event).await
    }

    async fn record_audit(&self, who: AuditActor, event: AuditEvent) -> Result<()> {
        self.store()
            .insert_audit(&AuditRecord {
                id: new_id(),
                workspace_id: event.workspace_id,
                app_id: event.app_id,
                actor_type: who.kind.to_owned(),
                actor_id: who.id,
                actor_label: who.label,
                action: event.action.to_owned(),
                target_type: event.target_type.to_owned(),
                target_id: event.target_id,
                details: event.details,
                source_ip: who.source_ip,
                created_at: self.now_ms(),
            })
            .await?;
        Ok(())
    }
}

fn to_entry(record: AuditRecord) -> AuditEntry {
    AuditEntry {
        id: record.id,
        workspace_id: record.workspace_id,
        app_id: record.app_id,
        actor_type: record.actor_type,
        actor_id: record.actor_id,
        actor_label: record.actor_label,
        action: record.action,
        target_type: record.target_type,
        target_id: record.target_id,
        details: record.details,
        source_ip: record.source_ip,
        created_at: record.created_at,
    }
}

#[cfg(test)]
mod tests {
    use model::platform::apps::{AppPatch, AppSettings};
    use model::platform::users::Role;
    use serde_json::json;

    use super::*;
    use crate::platform::apps::tests::{new_app, services};
    use crate::platform::users::tests::{member, workspace};

    #[tokio::test]
    async fn members_see_and_manage_only_what_their_role_allows() {
        let (_db, services) = services().await;
        let w1 = workspace(&services, "w1").await;
        let w2 = workspace(&services, "w2").await;
        let admin = member(&services, "admin@example.com", Role::Admin, &w1).await;
        let viewer = member(&services, "viewer@example.com", Role::Viewer, &w1).await;
        let outsider = member(&services, "out@example.com", Role::Owner, &w2).await;

        let mut in_w1 = new_app("alpha");
        in_w1.workspace_id = Some(w1.clone());
        services.platform().create_app(&admin, in_w1).await.unwrap();
        let err = services
            .platform()
            .create_app(&viewer, new_app("beta"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");
        services
            .platform()
            .create_app(&outsider, new_app("gamma"))
            .await
            .unwrap();

        let slugs = |apps: Vec<model::platform::apps::App>| {
            apps.into_iter().map(|a| a.slug).collect::<Vec<_>>()
        };
        assert_eq!(
            slugs(services.platform().list_apps(&viewer).await.unwrap()),
            ["alpha"]
        );
        assert_eq!(
            slugs(services.platform().list_apps(&outsider).await.unwrap()),
            ["gamma"]
        );
        assert_eq!(
            slugs(
                services
                    .platform()
                    .list_apps(&Actor::operator())
                    .await
                    .unwrap()
            ),
            ["alpha", "gamma"]
        );
        let err = services
            .platform()
            .app_by_slug(&outsider, "alpha")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound("app")), "{err:?}");
        let err = services
            .platform()
            .rotate_app_secret(&viewer, "alpha")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");
    }

    #[tokio::test]
    async fn patching_an_app_changes_only_the_named_fields() {
        let (_db, services) = services().await;
        services
            .platform()
            .create_app(&Actor::operator(), new_app("alpha"))
            .await
            .unwrap();
        let patch =
            |value: serde_json::Value| -> AppPatch { serde_json::from_value(value).unwrap() };

        let app = services
            .platform()
            .update_app(
                &Actor::operator(),
                "alpha",
                patch(json!({"name": "Renamed", "temperature": 0.5, "blockedTerms": ["refund"]})),
            )
            .await
            .unwrap();
        assert_eq!(app.name, "Renamed");
        assert_eq!(app.settings.temperature, Some(0.5));
        assert_eq!(app.settings.blocked_terms, ["refund"]);
        assert_eq!(app.settings.model_id, AppSettings::default().model_id);

        // The slug and the secret are not fields of a patch at all.
        assert!(serde_json::from_value::<AppPatch>(json!({"slug": "new"})).is_err());
        let err = services
            .platform()
            .update_app(
                &Actor::operator(),
                "alpha",
                patch(json!({"temperature": 9})),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidFields(_)), "{err:?}");
        let app = services
            .platform()
            .update_app(
                &Actor::operator(),
                "alpha",
                patch(json!({"temperature": null})),
            )
            .await
            .unwrap();
        assert_eq!(app.settings.temperature, None, "null clears a field");
    }

    #[tokio::test]
    async fn actions_are_audited_and_read_by_admins_page_by_page() {
        let (_db, services) = services().await;
        let w1 = workspace(&services, "w1").await;
        let admin = member(&services, "admin@example.com", Role::Admin, &w1).await;
        let viewer = member(&services, "viewer@example.com", Role::Viewer, &w1).await;
        let mut input = new_app("alpha");
        input.workspace_id = Some(w1.clone());
        services.platform().create_app(&admin, input).await.unwrap();
        services
            .platform()
            .rotate_app_secret(&admin, "alpha")
            .await
            .unwrap();
        services
            .platform()
            .set_app_active(&admin, "alpha", false)
            .await
            .unwrap();

        let err = services
            .platform()
            .list_audit(&viewer, &w1, None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");

        let first = services
            .platform()
            .list_audit(&admin, &w1, None, Some(2))
            .await
            .unwrap();
        let actions: Vec<&str> = first.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["app.deactivated", "app.secret.rotated"]);
        assert_eq!(first.entries[0].actor_label, "admin@example.com");
        assert_eq!(first.entries[0].source_ip.as_deref(), Some("203.0.113.9"));
        let rest = services
            .platform()
            .list_audit(&admin, &w1, first.next_cursor.as_deref(), Some(50))
            .await
            .unwrap();
        let actions: Vec<&str> = rest.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions[0], "app.created");
        assert!(actions.contains(&"user.created"));
        assert_eq!(rest.next_cursor, None);
    }

    #[tokio::test]
    async fn retention_is_one_of_three_choices_and_is_enforced() {
        let (db, services) = services().await;
        let w1 = workspace(&services, "w1").await;
        let owner = member(&services, "owner@example.com", Role::Owner, &w1).await;
        let err = services
            .platform()
            .set_audit_retention(&owner, &w1, 7)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid(_)));
        services
            .platform()
            .set_audit_retention(&owner, &w1, 30)
            .await
            .unwrap();

        let day = 86_400_000;
        for (id, age_days) in [("old", 31), ("recent", 29)] {
            db.store
                .insert_audit(&AuditRecord {
                    id: id.to_owned(),
                    workspace_id: Some(w1.clone()),
                    app_id: None,
                    actor_type: "system".to_owned(),
                    actor_id: None,
                    actor_label: "test".to_owned(),
                    action: "test.entry".to_owned(),
                    target_type: "test".to_owned(),
                    target_id: None,
                    details: None,
                    source_ip: None,
                    created_at: crate::now_ms() - age_days * day,
                })
                .await
                .unwrap();
        }
        assert_eq!(services.platform().purge_audit().await.unwrap(), 1);
        let left = services
            .platform()
            .list_audit(&owner, &w1, None, Some(200))
            .await
            .unwrap();
        assert!(left.entries.iter().any(|e| e.id == "recent"));
        assert!(!left.entries.iter().any(|e| e.id == "old"));
    }
}
