//! Dashboard users, their roles and what each role may do.
//!
//! Modelled on Opencom's permission strings (one string per capability, roles as default sets),
//! named for Switchboard's sections. Every check happens on the server; the UI reads the same
//! table only to hide what would be refused.

use serde::{Deserialize, Serialize};

/// A member's role in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Agent,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Agent, Role::Viewer];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Owner => &Permission::ALL,
            Role::Admin => &[
                AppsRead,
                AppsManage,
                ConversationsRead,
                ConversationsReply,
                ConversationsAssign,
                ConversationsClose,
                TicketsManage,
                TagsManage,
                SnippetsManage,
                HandoffsManage,
                KnowledgeRead,
                KnowledgeManage,
                ToolsManage,
                GuardrailsManage,
                PersonaManage,
                ExperimentsManage,
                AnalyticsRead,
                UsersRead,
                UsersManage,
                AuditRead,
                SettingsSecurity,
            ],
            Role::Agent => &[
                AppsRead,
                ConversationsRead,
                ConversationsReply,
                ConversationsAssign,
                ConversationsClose,
                TicketsManage,
                TagsManage,
                SnippetsManage,
                HandoffsManage,
                KnowledgeRead,
                AnalyticsRead,
                UsersRead,
            ],
            Role::Viewer => &[
                AppsRead,
                ConversationsRead,
                KnowledgeRead,
                AnalyticsRead,
                UsersRead,
            ],
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

/// One capability, checked on the server for every action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Permission {
    #[serde(rename = "apps.read")]
    AppsRead,
    /// Create, configure, deactivate apps and rotate their secrets.
    #[serde(rename = "apps.manage")]
    AppsManage,
    #[serde(rename = "conversations.read")]
    ConversationsRead,
    /// Reply to support conversations and write internal notes.
    #[serde(rename = "conversations.reply")]
    ConversationsReply,
    /// Assign support conversations to members.
    #[serde(rename = "conversations.assign")]
    ConversationsAssign,
    /// Close, snooze and reopen support conversations.
    #[serde(rename = "conversations.close")]
    ConversationsClose,
    /// Create, update and comment on tickets; manage ticket forms.
    #[serde(rename = "tickets.manage")]
    TicketsManage,
    /// Create, rename and delete tags (applying one needs `conversations.assign`).
    #[serde(rename = "tags.manage")]
    TagsManage,
    /// Create, change and delete snippets.
    #[serde(rename = "snippets.manage")]
    SnippetsManage,
    /// Claim and resolve handoffs.
    #[serde(rename = "handoffs.manage")]
    HandoffsManage,
    #[serde(rename = "knowledge.read")]
    KnowledgeRead,
    #[serde(rename = "knowledge.manage")]
    KnowledgeManage,
    #[serde(rename = "tools.manage")]
    ToolsManage,
    #[serde(rename = "guardrails.manage")]
    GuardrailsManage,
    #[serde(rename = "persona.manage")]
    PersonaManage,
    #[serde(rename = "experiments.manage")]
    ExperimentsManage,
    #[serde(rename = "analytics.read")]
    AnalyticsRead,
    #[serde(rename = "users.read")]
    UsersRead,
    /// Add members, change roles (never to or from owner), remove members.
    #[serde(rename = "users.manage")]
    UsersManage,
    #[serde(rename = "audit.read")]
    AuditRead,
    /// Audit retention and other security settings.
    #[serde(rename = "settings.security")]
    SettingsSecurity,
    /// Transfer or delete the workspace.
    #[serde(rename = "workspace.ownership")]
    WorkspaceOwnership,
}

impl Permission {
    pub const ALL: [Permission; 22] = [
        Permission::AppsRead,
        Permission::AppsManage,
        Permission::ConversationsRead,
        Permission::ConversationsReply,
        Permission::ConversationsAssign,
        Permission::ConversationsClose,
        Permission::TicketsManage,
        Permission::TagsManage,
        Permission::SnippetsManage,
        Permission::HandoffsManage,
        Permission::KnowledgeRead,
        Permission::KnowledgeManage,
        Permission::ToolsManage,
        Permission::GuardrailsManage,
        Permission::PersonaManage,
        Permission::ExperimentsManage,
        Permission::AnalyticsRead,
        Permission::UsersRead,
        Permission::UsersManage,
        Permission::AuditRead,
        Permission::SettingsSecurity,
        Permission::WorkspaceOwnership,
    ];
}

/// A signed-in dashboard user and the workspaces they belong to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub memberships: Vec<Membership>,
}

impl CurrentUser {
    /// The user's role in `workspace_id`, if a member.
    pub fn role_in(&self, workspace_id: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.workspace_id == workspace_id)
            .map(|m| m.role)
    }

    pub fn can(&self, workspace_id: &str, permission: Permission) -> bool {
        self.role_in(workspace_id)
            .is_some_and(|role| role.can(permission))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: Role,
}

/// A member of a workspace, as `GET /api/admin/workspaces/{workspace_id}/members` and the
/// Users page list them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// Deactivated users cannot sign in.
    pub is_active: bool,
    pub role: Role,
    /// When they joined the workspace (ms since the epoch).
    pub joined_at: i64,
}

/// `PATCH /api/admin/workspaces/{workspace_id}/members/{user_id}`: another role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangeRole {
    pub role: Role,
}

/// `POST /api/admin/login`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `POST /api/admin/users`: a new member of a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateMember {
    pub email: String,
    /// Ignored when the email is an existing user's: they keep their name and password.
    #[serde(default)]
    pub name: String,
    /// Required for a new user; ignored for an existing one.
    #[serde(default)]
    pub password: String,
    /// `admin`, `agent` or `viewer` (owners are made by the CLI or first-run setup).
    pub role: Role,
    /// The signed-in user's only workspace when absent.
    #[serde(default)]
    pub workspace_id: Option<String>,
}

/// `PUT /api/admin/workspaces/{id}/audit-retention`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditRetention {
    /// 30, 90 or 365.
    pub days: i64,
}

/// Password rules, shared by the server's checks and the forms' hints.
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest_owner_over_admin_over_agent_and_viewer() {
        for permission in Role::Admin.permissions() {
            assert!(Role::Owner.can(*permission));
        }
        for permission in Role::Agent.permissions() {
            assert!(Role::Admin.can(*permission), "{permission:?}");
        }
        for permission in Role::Viewer.permissions() {
            assert!(Role::Admin.can(*permission), "{permission:?}");
        }
        assert!(!Role::Admin.can(Permission::WorkspaceOwnership));
        assert!(!Role::Agent.can(Permission::AppsManage));
        assert!(!Role::Viewer.can(Permission::HandoffsManage));
        assert!(!Role::Viewer.can(Permission::AuditRead));
    }

    #[test]
    fn wire_names_are_permission_strings() {
        assert_eq!(
            serde_json::to_value(Permission::AppsManage).unwrap(),
            "apps.manage"
        );
        assert_eq!(serde_json::to_value(Role::Owner).unwrap(), "owner");
        assert_eq!(Role::parse("agent"), Some(Role::Agent));
        assert_eq!(Role::parse("root"), None);
    }
}
