//! The dashboards' way into the service layer: a signed-in user reaches an app's data through
//! their role in its workspace, then uses the same services as the agent API.

use model::platform::dashboard::{AppChoice, AuditView, DashboardFrame, UsersView};
use model::platform::users::{CurrentUser, Permission};

use crate::actor::Principal;
use crate::platform::Platform;
use crate::platform::apps::to_app;
use crate::{Actor, Caller, Error, Result, Services};

impl Platform<'_> {
    /// `slug`'s app as a dashboard user acts on it. Every operation then checks the user's role
    /// for itself, as it checks an app secret or a session token. An app outside the user's
    /// workspaces is "not found".
    pub async fn user_caller(&self, actor: &Actor, slug: &str) -> Result<Caller> {
        // Every role may see its workspace's apps.
        let record = self.app_record(actor, slug, Permission::AppsRead).await?;
        Ok(Caller::for_app(to_app(record)).acting_for(actor.clone()))
    }

    /// The frame of a dashboard page: the user's apps, and the one `slug` names if they may
    /// see it (else their first, where links from pages of the instance lead).
    pub async fn dashboard_frame(
        &self,
        user: CurrentUser,
        slug: Option<&str>,
    ) -> Result<DashboardFrame> {
        let actor = Actor::user(user.clone(), None);
        let apps = self.list_apps(&actor).await?;
        let current = slug
            .and_then(|slug| apps.iter().find(|app| app.slug == slug))
            .or(apps.first());
        let role = current.and_then(|app| user.role_in(&app.workspace_id));
        let workspace_name = |id: &str| {
            user.memberships
                .iter()
                .find(|membership| membership.workspace_id == id)
                .map(|membership| membership.workspace_name.clone())
                .unwrap_or_default()
        };
        let choice = |app: &model::platform::apps::App| AppChoice {
            slug: app.slug.clone(),
            name: app.name.clone(),
            is_active: app.is_active,
            workspace_name: workspace_name(&app.workspace_id),
        };
        let mut choices: Vec<AppChoice> = apps.iter().map(choice).collect();
        choices.sort_by(|a, b| {
            (&a.workspace_name, &a.name, &a.slug).cmp(&(&b.workspace_name, &b.name, &b.slug))
        });
        Ok(DashboardFrame {
            current: current.map(choice),
            apps: choices,
            role,
            user,
        })
    }

    /// The audit log of `slug`'s workspace, a page at a time, with its retention.
    pub async fn audit_view(
        &self,
        actor: &Actor,
        slug: &str,
        cursor: Option<&str>,
    ) -> Result<AuditView> {
        let workspace = self
            .dashboard_workspace(actor, slug, Permission::AuditRead)
            .await?;
        let workspace_id = workspace.id;
        let page = self
            .list_audit(actor, &workspace_id, cursor, Some(50))
            .await?;
        Ok(AuditView {
            workspace_id,
            workspace_name: workspace.name,
            retention_days: workspace.audit_retention_days,
            page,
        })
    }

    /// The members of `slug`'s workspace, for the Users page.
    pub async fn users_view(&self, actor: &Actor, slug: &str) -> Result<UsersView> {
        let workspace = self
            .dashboard_workspace(actor, slug, Permission::UsersRead)
            .await?;
        let workspace_id = workspace.id;
        let members = self.workspace_members(actor, &workspace_id).await?;
        let me = match &actor.principal {
            Principal::Operator => String::new(),
            Principal::User(user) => user.id.clone(),
        };
        Ok(UsersView {
            may_manage: actor.can(&workspace_id, Permission::UsersManage),
            is_owner: crate::platform::users::is_owner(actor, &workspace_id),
            workspace_id,
            workspace_name: workspace.name,
            members,
            me,
        })
    }
}

impl Services {
    /// The workspace of `slug`'s app, for a dashboard user holding `permission` in it.
    async fn dashboard_workspace(
        &self,
        actor: &Actor,
        slug: &str,
        permission: Permission,
    ) -> Result<store::WorkspaceRecord> {
        let caller = self.platform().user_caller(actor, slug).await?;
        caller.require(permission)?;
        self.store()
            .workspace_by_id(&caller.app.workspace_id)
            .await?
            .ok_or(Error::NotFound("workspace"))
    }
}

/// How handoffs and annotations name the dashboard user: their email, which is unique.
pub(crate) fn assignee(actor: &Actor) -> Result<String> {
    match &actor.principal {
        Principal::User(user) => Ok(user.email.clone()),
        Principal::Operator => Err(Error::Invalid(
            "Only a signed-in dashboard user can do this".to_owned(),
        )),
    }
}
