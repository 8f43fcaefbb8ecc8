//! Workspaces: creating them, and their settings (name, allowed origins, timezone, widget
//! session lifetime).

use model::platform::origins::normalize_origin_patterns;
use model::platform::users::{Permission, Role};
use model::platform::workspaces::{CreateWorkspace, Workspace, WorkspacePatch};
use store::{StoreError, WorkspaceRecord};

use crate::ids::new_id;
use crate::platform::Platform;
use crate::platform::audit::{AuditEvent, DEFAULT_RETENTION_DAYS};
use crate::validation::Checks;
use crate::{Actor, Error, Principal, Result};

const HOUR_MS: i64 = 60 * 60 * 1_000;
/// How long a widget session token lives unless the workspace says otherwise.
pub const DEFAULT_SESSION_LIFETIME_MS: i64 = 24 * HOUR_MS;
pub const MIN_SESSION_LIFETIME_MS: i64 = HOUR_MS;
pub const MAX_SESSION_LIFETIME_MS: i64 = 7 * 24 * HOUR_MS;

/// A workspace's widget session lifetime, within the allowed range.
pub fn session_lifetime(configured: Option<i64>) -> i64 {
    configured
        .unwrap_or(DEFAULT_SESSION_LIFETIME_MS)
        .clamp(MIN_SESSION_LIFETIME_MS, MAX_SESSION_LIFETIME_MS)
}

fn to_workspace(record: WorkspaceRecord, actor: &Actor) -> Workspace {
    let role = match &actor.principal {
        Principal::Operator => None,
        Principal::User(user) => user.role_in(&record.id),
    };
    Workspace {
        widget_session_lifetime_ms: session_lifetime(record.widget_session_lifetime_ms),
        id: record.id,
        name: record.name,
        allowed_origins: record.allowed_origins.unwrap_or_default(),
        timezone: record.timezone,
        role,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

/// Whether `name` is a timezone of the IANA database.
pub fn is_timezone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// `epoch_ms` to the minute in the workspace's timezone, e.g. `2026-12-05 14:03 WET`; UTC when
/// the zone is unknown.
pub fn local_minutes(epoch_ms: i64, zone: &str) -> String {
    let Ok(at) = jiff::Timestamp::from_millisecond(epoch_ms) else {
        return String::new();
    };
    let zone = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned(zone).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// A wall-clock time of the workspace (`2026-12-06T09:00`, as a `datetime-local` field sends
/// it) as ms since the epoch; `None` when it is not such a time.
pub fn local_datetime_ms(text: &str, zone: &str) -> Option<i64> {
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    Some(civil.to_zoned(zone).ok()?.timestamp().as_millisecond())
}

impl Platform<'_> {
    /// The workspaces the actor belongs to (all of them for the operator), by name.
    pub async fn list_workspaces(&self, actor: &Actor) -> Result<Vec<Workspace>> {
        let mut workspaces: Vec<Workspace> = self
            .store()
            .list_workspaces()
            .await?
            .into_iter()
            .filter(|record| actor.can(&record.id, Permission::AppsRead))
            .map(|record| to_workspace(record, actor))
            .collect();
        workspaces.sort_by_key(|workspace| workspace.name.to_lowercase());
        Ok(workspaces)
    }

    /// Creates a workspace whose owner is the signed-in user. A second workspace of theirs
    /// with the same name (in any case) is refused.
    pub async fn create_workspace(
        &self,
        actor: &Actor,
        request: CreateWorkspace,
    ) -> Result<Workspace> {
        let Principal::User(user) = &actor.principal else {
            return Err(Error::Invalid(
                "A workspace needs an owner: create it as a signed-in user".to_owned(),
            ));
        };
        let name = request.name.trim().to_owned();
        let mut checks = Checks::new();
        checks.text("name", &name, 1, 100);
        checks.finish()?;
        let taken = user
            .memberships
            .iter()
            .any(|membership| membership.workspace_name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(Error::AlreadyExists("workspace with this name"));
        }
        let record = WorkspaceRecord::new(new_id(), name, DEFAULT_RETENTION_DAYS, self.now_ms());
        self.store()
            .insert_workspace_with_owner(&record, &user.id)
            .await?;
        self.audit(
            actor,
            AuditEvent {
                action: "workspace.created",
                target_type: "workspace",
                target_id: Some(record.id.clone()),
                workspace_id: Some(record.id.clone()),
                app_id: None,
                details: Some(serde_json::json!({ "name": record.name })),
            },
        )
        .await?;
        let mut workspace = to_workspace(record, actor);
        workspace.role = Some(Role::Owner);
        Ok(workspace)
    }

    /// One workspace of the actor's.
    pub async fn workspace(&self, actor: &Actor, id: &str) -> Result<Workspace> {
        actor.require(id, Permission::AppsRead)?;
        let record = self
            .store()
            .workspace_by_id(id)
            .await?
            .ok_or(Error::NotFound("workspace"))?;
        Ok(to_workspace(record, actor))
    }

    /// Changes the settings named in `patch` (needs `settings.security`).
    pub async fn update_workspace(
        &self,
        actor: &Actor,
        id: &str,
        patch: WorkspacePatch,
    ) -> Result<Workspace> {
        actor.require(id, Permission::SettingsSecurity)?;
        let record = self
            .store()
            .workspace_by_id(id)
            .await?
            .ok_or(Error::NotFound("workspace"))?;
        let fields = patch.field_names();
        let mut checks = Checks::new();
        let name = patch.name.map(|name| name.trim().to_owned());
        if let Some(name) = &name {
            checks.text("name", name, 1, 100);
        }
        let origins = match patch.allowed_origins {
            Some(origins) => match normalize_origin_patterns(&origins) {
                Ok(origins) => Some(origins),
                Err(problems) => {
                    for problem in problems {
                        checks.fail("allowedOrigins", problem);
                    }
                    None
                }
            },
            None => None,
        };
        let timezone = patch.timezone.map(|zone| zone.trim().to_owned());
        if let Some(zone) = &timezone
            && !is_timezone(zone)
        {
            checks.fail(
                "timezone",
                "must be an IANA timezone name, e.g. Europe/Lisbon",
            );
        }
        if let Some(Some(lifetime)) = patch.widget_session_lifetime_ms
            && !(MIN_SESSION_LIFETIME_MS..=MAX_SESSION_LIFETIME_MS).contains(&lifetime)
        {
            checks.fail(
                "widgetSessionLifetimeMs",
                format!(
                    "must be {MIN_SESSION_LIFETIME_MS}–{MAX_SESSION_LIFETIME_MS} (1 hour to 7 days)"
                ),
            );
        }
        checks.finish()?;
        let updated = WorkspaceRecord {
            name: name.unwrap_or(record.name.clone()),
            allowed_origins: origins.or(record.allowed_origins.clone()),
            timezone: timezone.unwrap_or(record.timezone.clone()),
            widget_session_lifetime_ms: patch
                .widget_session_lifetime_ms
                .unwrap_or(record.widget_session_lifetime_ms),
            updated_at: self.now_ms(),
            ..record
        };
        match self.store().update_workspace_settings(&updated).await {
            Err(StoreError::NotFound) => return Err(Error::NotFound("workspace")),
            other => other?,
        }
        self.audit(
            actor,
            AuditEvent {
                action: "workspace.settings_changed",
                target_type: "workspace",
                target_id: Some(updated.id.clone()),
                workspace_id: Some(updated.id.clone()),
                app_id: None,
                details: Some(serde_json::json!({ "fields": fields })),
            },
        )
        .await?;
        Ok(to_workspace(updated, actor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_clock_time_is_read_in_the_workspaces_zone() {
        assert_eq!(
            local_datetime_ms("2026-12-06T09:00", "Europe/Lisbon"),
            Some(1_796_547_600_000)
        );
        assert_eq!(
            local_datetime_ms("2026-12-06T09:00", "America/New_York"),
            Some(1_796_565_600_000)
        );
        assert_eq!(local_datetime_ms("tomorrow", "UTC"), None);
    }

    #[test]
    fn the_lifetime_defaults_to_a_day_within_an_hour_and_a_week() {
        assert_eq!(session_lifetime(None), DEFAULT_SESSION_LIFETIME_MS);
        assert_eq!(session_lifetime(Some(1)), MIN_SESSION_LIFETIME_MS);
        assert_eq!(
            session_lifetime(Some(30 * 24 * HOUR_MS)),
            MAX_SESSION_LIFETIME_MS
        );
        assert_eq!(session_lifetime(Some(2 * HOUR_MS)), 2 * HOUR_MS);
    }

    #[test]
    fn times_are_shown_in_the_workspaces_timezone() {
        // 2026-07-01 12:00 UTC.
        let noon = 1_782_907_200_000;
        assert_eq!(local_minutes(noon, "UTC"), "2026-07-01 12:00 UTC");
        assert_eq!(
            local_minutes(noon, "Europe/Lisbon"),
            "2026-07-01 13:00 WEST"
        );
        assert_eq!(
            local_minutes(noon, "America/New_York"),
            "2026-07-01 08:00 EDT"
        );
        assert_eq!(
            local_minutes(noon, "Nowhere/Special"),
            "2026-07-01 12:00 UTC"
        );
        assert!(is_timezone("Asia/Kolkata"));
        assert!(!is_timezone("Mars/Olympus"));
    }
}
