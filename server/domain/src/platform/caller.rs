//! Who is calling about an app, and what each may do.
//!
//! An app secret (server to server) may do everything for its app. A session token is
//! browser-safe: handlers that accept one are listed in the README, and every other operation
//! answers 403 `PERMISSION_DENIED` to it. A dashboard user acts through the app's rights within
//! their role in its workspace. An agent credential serves one dispatched call: the few
//! operations its agent needs ([`Caller::permit_agent`], [`Caller::require_agent`]), for that
//! call's session only.

use std::sync::Arc;

use model::platform::apps::App;
use model::platform::auth::{AuthMethod, CallerInfo};
use model::platform::users::Permission;

use crate::platform::audit::AuditActor;
use crate::{Actor, Error, Result};

/// An authenticated caller of the agent API.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Shared: callers are cloned out of the authentication cache on every request.
    pub app: Arc<App>,
    pub method: AuthMethod,
    /// Present when the caller used a session token.
    pub(crate) session: Option<SessionIdentity>,
    /// Present when the caller used an agent credential: the one call it serves.
    pub(crate) call: Option<CallScope>,
    /// The dashboard user (or operator) acting through the app's rights, who the audit log
    /// names; `None` for the app's own credentials.
    pub(crate) acting: Option<Actor>,
}

/// The call an agent credential serves.
#[derive(Clone, Debug)]
pub(crate) struct CallScope {
    /// The conversation's session id, the only one the agent may write to.
    pub(crate) session_id: String,
    pub(crate) room_name: String,
    pub(crate) expires_at: i64,
}

/// The session token a caller used: its stored hash (not a secret) and expiry.
#[derive(Clone, Debug)]
pub(crate) struct SessionIdentity {
    pub(crate) token_hash: String,
    pub(crate) expires_at: i64,
}

impl Caller {
    /// The email of the dashboard user acting through the app, if one is.
    pub fn user_email(&self) -> Option<String> {
        match self.acting.as_ref().map(|actor| &actor.principal) {
            Some(crate::Principal::User(user)) => Some(user.email.clone()),
            _ => None,
        }
    }

    /// Whether [`Caller::require`] would let it do what `permission` covers (for pages that
    /// show or hide their controls).
    pub fn has(&self, permission: Permission) -> bool {
        self.require(permission).is_ok()
    }

    /// An operation for servers and dashboard users, never browsers: the app secret may, a
    /// session token may not, and a dashboard user needs `permission` in the app's workspace.
    pub(crate) fn require(&self, permission: Permission) -> Result<()> {
        if let Some(actor) = &self.acting {
            return actor.require(&self.app.workspace_id, permission);
        }
        match self.method {
            AuthMethod::AppSecret => Ok(()),
            AuthMethod::SessionToken => Err(Error::PermissionDenied(
                "Session tokens are browser-safe and cannot do this; use the app secret from \
                 your server"
                    .to_owned(),
            )),
            AuthMethod::AgentCredential => Err(agent_may_not()),
        }
    }

    /// An operation browsers may do too: the app secret and session tokens may, and a
    /// dashboard user needs `permission` in the app's workspace.
    pub(crate) fn permit(&self, permission: Permission) -> Result<()> {
        match (&self.acting, self.method) {
            (Some(actor), _) => actor.require(&self.app.workspace_id, permission),
            (None, AuthMethod::AgentCredential) => Err(agent_may_not()),
            (None, _) => Ok(()),
        }
    }

    /// As [`Caller::permit`], and a call's agent may too.
    pub(crate) fn permit_agent(&self, permission: Permission) -> Result<()> {
        match self.method {
            AuthMethod::AgentCredential if self.acting.is_none() => Ok(()),
            _ => self.permit(permission),
        }
    }

    /// As [`Caller::require`], and a call's agent may too.
    pub(crate) fn require_agent(&self, permission: Permission) -> Result<()> {
        match self.method {
            AuthMethod::AgentCredential if self.acting.is_none() => Ok(()),
            _ => self.require(permission),
        }
    }

    /// A call's agent writes to its own session only; every other caller passes.
    pub(crate) fn require_own_session(&self, session_id: &str) -> Result<()> {
        match &self.call {
            Some(call) if call.session_id != session_id => Err(Error::PermissionDenied(format!(
                "This agent credential serves session {:?}, not {session_id:?}",
                call.session_id
            ))),
            _ => Ok(()),
        }
    }

    /// The app itself, for work no request started (webhooks from LiveKit, jobs).
    pub(crate) fn for_app(app: App) -> Caller {
        Caller {
            app: Arc::new(app),
            method: AuthMethod::AppSecret,
            session: None,
            call: None,
            acting: None,
        }
    }

    /// The app's rights, used by `actor` (a dashboard user), who the audit log will name.
    pub(crate) fn acting_for(self, actor: Actor) -> Caller {
        Caller {
            acting: Some(actor),
            ..self
        }
    }

    /// Who made a change through this caller, as the audit log records them.
    pub(crate) fn audit_identity(&self) -> AuditActor {
        match (&self.acting, self.method) {
            (Some(actor), _) => actor.audit_identity(),
            (None, AuthMethod::AppSecret) => AuditActor {
                kind: "app",
                id: Some(self.app.id.clone()),
                label: self.app.slug.clone(),
                source_ip: None,
            },
            (None, AuthMethod::SessionToken) => AuditActor {
                kind: "session_token",
                id: None,
                label: format!("session token of {}", self.app.slug),
                source_ip: None,
            },
            (None, AuthMethod::AgentCredential) => AuditActor {
                kind: "agent",
                id: None,
                label: format!(
                    "agent of room {}",
                    self.call
                        .as_ref()
                        .map_or("?", |call| call.room_name.as_str())
                ),
                source_ip: None,
            },
        }
    }

    /// The stored hash of the session token used, if one was (it is not a secret).
    pub fn session_token_hash(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.token_hash.as_str())
    }

    pub fn info(&self) -> CallerInfo {
        CallerInfo {
            app_slug: self.app.slug.clone(),
            app_name: self.app.name.clone(),
            auth_method: self.method,
            expires_at: self
                .session
                .as_ref()
                .map(|s| s.expires_at)
                .or(self.call.as_ref().map(|call| call.expires_at)),
        }
    }
}

fn agent_may_not() -> Error {
    Error::PermissionDenied(
        "An agent credential serves one call: its persona, tools, guardrails, knowledge, and \
         that session's transcript, events and handoff"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use model::platform::users::Role;

    use super::*;
    use crate::platform::apps::tests::{new_app, services};
    use crate::platform::users::tests::{member, workspace};

    #[tokio::test]
    async fn a_dashboard_user_acts_on_an_app_within_their_role_and_workspace() {
        let (_db, services) = services().await;
        services
            .platform()
            .create_app(&Actor::operator(), new_app("one"))
            .await
            .unwrap();
        let home = services
            .platform()
            .app_by_slug(&Actor::operator(), "one")
            .await
            .unwrap();
        let viewer = member(
            &services,
            "viewer@example.com",
            Role::Viewer,
            &home.workspace_id,
        )
        .await;
        let admin = member(
            &services,
            "admin@example.com",
            Role::Admin,
            &home.workspace_id,
        )
        .await;
        let elsewhere = workspace(&services, "ws-other").await;
        let stranger = member(&services, "stranger@example.com", Role::Owner, &elsewhere).await;

        let as_viewer = services
            .platform()
            .user_caller(&viewer, "one")
            .await
            .unwrap();
        assert!(as_viewer.require(Permission::AppsRead).is_ok());
        assert!(as_viewer.permit(Permission::ConversationsRead).is_ok());
        for refused in [
            as_viewer.require(Permission::ToolsManage),
            as_viewer.permit(Permission::ToolsManage),
        ] {
            assert!(
                matches!(refused, Err(Error::PermissionDenied(_))),
                "{refused:?}"
            );
        }
        // The operation decides: the same call is refused to the viewer, allowed to the admin.
        let err = services.agent().tools(&as_viewer).await.unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");
        let as_admin = services
            .platform()
            .user_caller(&admin, "one")
            .await
            .unwrap();
        assert!(services.agent().tools(&as_admin).await.unwrap().is_empty());
        // Another workspace's app is not found, whatever the role there.
        let err = services
            .platform()
            .user_caller(&stranger, "one")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    }
}
