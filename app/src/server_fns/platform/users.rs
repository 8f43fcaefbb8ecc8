//! The Users page: a workspace's members and their roles.

use leptos::prelude::*;
use model::platform::dashboard::UsersView;
use serde::{Deserialize, Serialize};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The members of the app's workspace.
#[server(prefix = "/sfn", endpoint = "users")]
pub async fn load_users(slug: String) -> Result<UsersView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.platform().users_view(&actor, &slug).await?)
}

/// A new member of a workspace, as the Users page's form sends it (`member[field]`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewMemberForm {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: String,
}

/// Adds a member to the workspace, with the password they will sign in with.
#[server(prefix = "/sfn", endpoint = "add-member")]
pub async fn add_member(workspace_id: String, member: NewMemberForm) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let role = ssr::role(&member.role)?;
    let input = domain::NewUser {
        email: member.email,
        name: member.name,
        password: member.password,
        role,
        workspace_id: Some(workspace_id),
    };
    services.platform().create_user(&actor, input).await?;
    Ok(())
}

/// Gives a member of the workspace another role.
#[server(prefix = "/sfn", endpoint = "member-role")]
pub async fn change_member_role(
    workspace_id: String,
    user_id: String,
    role: String,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let role = ssr::role(&role)?;
    services
        .platform()
        .change_member_role(&actor, &workspace_id, &user_id, role)
        .await?;
    Ok(())
}
