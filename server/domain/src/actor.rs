//! Who performs an administrative action, what they may do, and where they act from.

use model::platform::users::{CurrentUser, Permission};

use crate::platform::audit::AuditActor;
use crate::{Error, Result};

#[derive(Clone, Debug)]
pub enum Principal {
    /// Someone with shell access to the server (the CLI): may do everything.
    Operator,
    /// A signed-in dashboard user: may do what their role allows in each workspace.
    User(CurrentUser),
}

#[derive(Clone, Debug)]
pub struct Actor {
    pub principal: Principal,
    pub source_ip: Option<String>,
}

impl Actor {
    pub fn operator() -> Actor {
        Actor {
            principal: Principal::Operator,
            source_ip: None,
        }
    }

    pub fn user(user: CurrentUser, source_ip: Option<String>) -> Actor {
        Actor {
            principal: Principal::User(user),
            source_ip,
        }
    }

    /// Fails unless the actor holds `permission` in `workspace_id`. Outsiders learn nothing:
    /// a workspace they are not a member of is "not found".
    pub fn require(&self, workspace_id: &str, permission: Permission) -> Result<()> {
        match &self.principal {
            Principal::Operator => Ok(()),
            Principal::User(user) => match user.role_in(workspace_id) {
                None => Err(Error::NotFound("workspace")),
                Some(role) if role.can(permission) => Ok(()),
                Some(role) => Err(Error::PermissionDenied(format!(
                    "Your role ({}) lacks the permission {}",
                    role.as_str(),
                    permission_name(permission)
                ))),
            },
        }
    }

    /// The signed-in user's id; `None` for the operator.
    pub fn user_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::User(user) => Some(user.id.as_str()),
            Principal::Operator => None,
        }
    }

    /// As [`Actor::require`] for a resource of `workspace_id`: an outsider learns only that
    /// `what` is not found, not that the workspace exists.
    pub fn require_for(
        &self,
        workspace_id: &str,
        permission: Permission,
        what: &'static str,
    ) -> Result<()> {
        self.require(workspace_id, permission)
            .map_err(crate::error::not_found_as(what))
    }

    /// Whether the actor may see things of `workspace_id` needing `permission`.
    pub fn can(&self, workspace_id: &str, permission: Permission) -> bool {
        self.require(workspace_id, permission).is_ok()
    }

    /// Who the actor is, as the audit log records them.
    pub(crate) fn audit_identity(&self) -> AuditActor {
        let (kind, id, label) = match &self.principal {
            Principal::Operator => ("cli", None, "operator (CLI)".to_owned()),
            Principal::User(user) => ("user", Some(user.id.clone()), user.email.clone()),
        };
        AuditActor {
            kind,
            id,
            label,
            source_ip: self.source_ip.clone(),
        }
    }
}

fn permission_name(permission: Permission) -> String {
    serde_json::to_value(permission)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
