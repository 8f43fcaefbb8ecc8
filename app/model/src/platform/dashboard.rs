//! What the dashboard pages read beyond the platform API's own types: the frame around every
//! page (who is signed in, which app, what their role allows), and the apps, audit and users
//! pages.

use serde::{Deserialize, Serialize};

use crate::platform::apps::App;
use crate::platform::audit::AuditPage;
use crate::platform::users::{CurrentUser, Permission, Role};

/// An app as the app switcher lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppChoice {
    pub slug: String,
    pub name: String,
    pub is_active: bool,
    /// Its workspace's name: the switcher groups apps by workspace.
    pub workspace_name: String,
}

/// The frame of a dashboard page: the signed-in user, the apps they may open, and the app the
/// page is about with the user's role over it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardFrame {
    pub user: CurrentUser,
    pub apps: Vec<AppChoice>,
    /// The app named by the page's path when the user may see it, else their first app.
    pub current: Option<AppChoice>,
    /// The user's role in the current app's workspace.
    pub role: Option<Role>,
}

impl DashboardFrame {
    /// Whether the user may do `permission` in the current app. Used only to hide what the
    /// server would refuse; every server function checks again.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.is_some_and(|role| role.can(permission))
    }
}

/// The audit log page: a workspace's entries, newest first, and how long it keeps them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub workspace_id: String,
    pub workspace_name: String,
    /// Days kept: one of [`AUDIT_RETENTION_CHOICES`].
    pub retention_days: i64,
    pub page: AuditPage,
}

/// The Users page: the members of the app's workspace, and what the viewer may change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersView {
    pub workspace_id: String,
    pub workspace_name: String,
    pub members: Vec<crate::platform::users::Member>,
    /// Whether the viewer may add members and change roles (`users.manage`).
    pub may_manage: bool,
    /// Whether the viewer is an owner: only owners grant or take away ownership.
    pub is_owner: bool,
    /// The viewer's own user id.
    pub me: String,
}

/// How long a workspace may keep its audit log, in days.
pub const AUDIT_RETENTION_CHOICES: [i64; 3] = [30, 90, 365];

/// The apps page: the apps of the user's workspaces, and the current one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppsView {
    pub apps: Vec<App>,
    pub current: App,
    /// The current app's latest outbound webhooks (the delivery log), newest first.
    pub deliveries: Vec<crate::platform::webhooks::WebhookDelivery>,
}

/// The Workspace page: the current app's workspace and its settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    pub workspace: super::workspaces::Workspace,
    /// Whether the user may change the settings (`settings.security`).
    pub may_manage: bool,
}
