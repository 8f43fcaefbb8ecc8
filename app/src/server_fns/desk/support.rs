//! The Snippets, Tags and Automation pages: a workspace's saved replies, conversation tags,
//! and the support automation the widget follows.

use leptos::prelude::*;
use model::desk::dashboard::SupportSettingsView;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The snippets, tags and automation settings of the app's workspace.
#[server(prefix = "/sfn", endpoint = "support-settings")]
pub async fn load_support_settings(slug: String) -> Result<SupportSettingsView, UiError> {
    use model::platform::users::Permission;

    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let workspace_id = Some(app.workspace_id.clone());
    let desk = services.desk();
    let snippets = desk
        .snippets(
            &actor,
            model::desk::snippets::SnippetQuery {
                workspace_id: workspace_id.clone(),
                ..Default::default()
            },
        )
        .await?
        .snippets;
    let tags = desk
        .tags(
            &actor,
            model::desk::tags::TagQuery {
                workspace_id: workspace_id.clone(),
            },
        )
        .await?
        .tags;
    let automation = desk
        .automation(
            &actor,
            model::desk::automation::AutomationQuery { workspace_id },
        )
        .await?;
    Ok(SupportSettingsView {
        workspace_name: workspace.name.clone(),
        snippets,
        tags,
        automation,
        may_manage_snippets: actor.can(&app.workspace_id, Permission::SnippetsManage),
        may_manage_tags: actor.can(&app.workspace_id, Permission::TagsManage),
        may_manage_automation: actor.can(&app.workspace_id, Permission::SettingsSecurity),
    })
}

/// A new snippet of the app's workspace.
#[server(prefix = "/sfn", endpoint = "snippet-create")]
pub async fn create_snippet(
    slug: String,
    name: String,
    content: String,
    shortcut: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, _) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    services
        .desk()
        .create_snippet(
            &actor,
            model::desk::snippets::CreateSnippet {
                workspace_id: Some(app.workspace_id),
                name,
                content,
                shortcut: ssr::given(shortcut),
            },
        )
        .await?;
    Ok(())
}

/// Changes a snippet (an empty shortcut clears it).
#[server(prefix = "/sfn", endpoint = "snippet-update")]
pub async fn update_snippet(
    id: String,
    name: String,
    content: String,
    shortcut: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services
        .desk()
        .update_snippet(
            &actor,
            &id,
            model::desk::snippets::SnippetPatch {
                name: Some(name),
                content: Some(content),
                shortcut: Some(ssr::given(shortcut)),
            },
        )
        .await?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "snippet-delete")]
pub async fn delete_snippet(id: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services.desk().delete_snippet(&actor, &id).await?;
    Ok(())
}

/// A new tag of the app's workspace.
#[server(prefix = "/sfn", endpoint = "tag-create")]
pub async fn create_tag(slug: String, name: String, color: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, _) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    services
        .desk()
        .create_tag(
            &actor,
            model::desk::tags::CreateTag {
                workspace_id: Some(app.workspace_id),
                name,
                color: Some(color),
            },
        )
        .await?;
    Ok(())
}

/// Renames or recolours a tag.
#[server(prefix = "/sfn", endpoint = "tag-update")]
pub async fn update_tag(id: String, name: String, color: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services
        .desk()
        .update_tag(
            &actor,
            &id,
            model::desk::tags::TagPatch {
                name: Some(name),
                color: Some(color),
            },
        )
        .await?;
    Ok(())
}

/// Deletes a tag, taking it off every conversation.
#[server(prefix = "/sfn", endpoint = "tag-delete")]
pub async fn delete_tag(id: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services.desk().delete_tag(&actor, &id).await?;
    Ok(())
}

/// Saves the automation toggles (an unticked box is off).
#[server(prefix = "/sfn", endpoint = "automation-save")]
pub async fn save_automation(
    slug: String,
    show_reply_time: Option<String>,
    collect_email: Option<String>,
    ask_for_rating: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, _) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    services
        .desk()
        .update_automation(
            &actor,
            model::desk::automation::AutomationUpdate {
                workspace_id: Some(app.workspace_id),
                show_reply_time: Some(show_reply_time.is_some()),
                collect_email: Some(collect_email.is_some()),
                ask_for_rating: Some(ask_for_rating.is_some()),
            },
        )
        .await?;
    Ok(())
}
