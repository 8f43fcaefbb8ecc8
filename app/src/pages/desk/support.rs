//! The support desk's workspace settings: Snippets (saved replies, inserted with `/` in the
//! reply box), Tags (labels on conversations) and Automation (what the widget asks and shows).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::desk::dashboard::SupportSettingsView;

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::server_fns::desk::support::{
    CreateSnippet, CreateTag, DeleteSnippet, DeleteTag, SaveAutomation, UpdateSnippet, UpdateTag,
    load_support_settings,
};

/// Loads the workspace's support settings for the page `render` draws.
fn settings_page(
    title: &'static str,
    render: impl Fn(SupportSettingsView, String) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let loaded = Resource::new(slug, load_support_settings);
    view! {
        <Title text=format!("{title} · Switchboard") />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => render(view, slug()),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SnippetsPage() -> impl IntoView {
    let create = ServerAction::<CreateSnippet>::new();
    let update = ServerAction::<UpdateSnippet>::new();
    let delete = ServerAction::<DeleteSnippet>::new();
    let failure = move || {
        last_error(create)
            .or_else(|| last_error(update))
            .or_else(|| last_error(delete))
    };
    view! {
        <header class="page-header">
            <h1>"Snippets"</h1>
            <p class="lede">"Saved replies. In a conversation's reply box, type / and a snippet's shortcut to insert it."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        {settings_page("Snippets", move |view, slug| {
            let may_manage = view.may_manage_snippets;
            let rows = view
                .snippets
                .into_iter()
                .map(|snippet| {
                    let (edit_id, delete_id) = (snippet.id.clone(), snippet.id.clone());
                    let shortcut = snippet.shortcut.clone().unwrap_or_default();
                    let (edit_name, edit_content) = (snippet.name.clone(), snippet.content.clone());
                    let manage = may_manage.then(move || view! {
                        <details>
                            <summary>"Edit"</summary>
                            <ActionForm action=update attr:class="form">
                                <input type="hidden" name="id" value=edit_id />
                                <label>"Name"<input type="text" name="name" required maxlength="100" value=edit_name /></label>
                                <label>"Shortcut"<input type="text" name="shortcut" maxlength="33" value=shortcut /></label>
                                <label>"Content"<textarea name="content" rows="3" required maxlength="5000">{crate::format::textarea_text(&edit_content)}</textarea></label>
                                <button class="button" type="submit">"Save"</button>
                            </ActionForm>
                        </details>
                        <ActionForm action=delete attr:class="inline-form">
                            <input type="hidden" name="id" value=delete_id />
                            <button class="button danger small-button" type="submit">"Delete"</button>
                        </ActionForm>
                    });
                    view! {
                        <tr>
                            <th scope="row">{snippet.name.clone()}</th>
                            <td><code>{snippet.shortcut.clone().map(|shortcut| format!("/{shortcut}")).unwrap_or_default()}</code></td>
                            <td class="snippet-content">{snippet.content.clone()}</td>
                            <td>{manage}</td>
                        </tr>
                    }
                })
                .collect_view();
            let form = may_manage.then(|| view! {
                <section class="card" aria-labelledby="new-snippet">
                    <h2 id="new-snippet">"New snippet"</h2>
                    <ActionForm action=create attr:class="form grid-form">
                        <input type="hidden" name="slug" value=slug.clone() />
                        <label>"Name"<input type="text" name="name" required maxlength="100" /></label>
                        <label>"Shortcut"<input type="text" name="shortcut" maxlength="33" placeholder="thanks" /></label>
                        <label class="wide">"Content"<textarea name="content" rows="3" required maxlength="5000"></textarea></label>
                        <div class="form-actions"><button class="button" type="submit">"Add the snippet"</button></div>
                    </ActionForm>
                </section>
            });
            view! {
                {form}
                <section class="card flush" aria-labelledby="snippets-title">
                    <h2 id="snippets-title" class="card-title">{format!("{}: snippets", view.workspace_name)}</h2>
                    <table class="table" id="snippets">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Shortcut"</th><th scope="col">"Content"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </section>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn TagsPage() -> impl IntoView {
    let create = ServerAction::<CreateTag>::new();
    let update = ServerAction::<UpdateTag>::new();
    let delete = ServerAction::<DeleteTag>::new();
    let failure = move || {
        last_error(create)
            .or_else(|| last_error(update))
            .or_else(|| last_error(delete))
    };
    view! {
        <header class="page-header">
            <h1>"Tags"</h1>
            <p class="lede">"Labels on conversations, to filter the inbox by. Deleting a tag takes it off every conversation."</p>
        </header>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        {settings_page("Tags", move |view, slug| {
            let may_manage = view.may_manage_tags;
            let rows = view
                .tags
                .into_iter()
                .map(|tag| {
                    let (edit_id, delete_id) = (tag.id.clone(), tag.id.clone());
                    let inbox = format!("/apps/{slug}/inbox?status=all&tag={}", tag.id);
                    let (edit_name, edit_color) = (tag.name.clone(), tag.color.clone());
                    let manage = may_manage.then(move || view! {
                        <ActionForm action=update attr:class="inline-form">
                            <input type="hidden" name="id" value=edit_id />
                            <label><span class="visually-hidden">"Name"</span><input type="text" name="name" required maxlength="50" value=edit_name /></label>
                            <label><span class="visually-hidden">"Colour"</span><input type="color" name="color" value=edit_color /></label>
                            <button class="button secondary small-button" type="submit">"Save"</button>
                        </ActionForm>
                        <ActionForm action=delete attr:class="inline-form">
                            <input type="hidden" name="id" value=delete_id />
                            <button class="button danger small-button" type="submit">"Delete"</button>
                        </ActionForm>
                    });
                    view! {
                        <tr>
                            <th scope="row"><span class="tag-chip" style=format!("--tag: {}", tag.color)>{tag.name.clone()}</span></th>
                            <td><a href=inbox>{format!("{} conversations", tag.conversation_count)}</a></td>
                            <td>{manage}</td>
                        </tr>
                    }
                })
                .collect_view();
            let form = may_manage.then(|| view! {
                <section class="card" aria-labelledby="new-tag">
                    <h2 id="new-tag">"New tag"</h2>
                    <ActionForm action=create attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone() />
                        <label>"Name"<input type="text" name="name" required maxlength="50" /></label>
                        <label>"Colour"<input type="color" name="color" value="#2f5bea" /></label>
                        <button class="button" type="submit">"Add the tag"</button>
                    </ActionForm>
                </section>
            });
            view! {
                {form}
                <section class="card flush" aria-labelledby="tags-title">
                    <h2 id="tags-title" class="card-title">{format!("{}: tags", view.workspace_name)}</h2>
                    <table class="table" id="tags">
                        <thead><tr><th scope="col">"Tag"</th><th scope="col">"Used on"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </section>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn AutomationPage() -> impl IntoView {
    let save = ServerAction::<SaveAutomation>::new();
    view! {
        <header class="page-header">
            <h1>"Automation"</h1>
            <p class="lede">"What the widget asks visitors and shows them, for every app of the workspace."</p>
        </header>
        {move || last_error(save).map(|error| view! { <ErrorNotice error /> })}
        {settings_page("Automation", move |view, slug| {
            let settings = view.automation;
            let disabled = !view.may_manage_automation;
            view! {
                <section class="card" aria-labelledby="automation-title">
                    <h2 id="automation-title">{format!("{}: automation", view.workspace_name)}</h2>
                    <ActionForm action=save attr:class="form" attr:id="automation-form">
                        <input type="hidden" name="slug" value=slug />
                        <label class="checkbox"><input type="checkbox" name="collect_email" value="on" checked=settings.collect_email disabled=disabled />" Collect email: ask an anonymous visitor for an email address"</label>
                        <label class="checkbox"><input type="checkbox" name="show_reply_time" value="on" checked=settings.show_reply_time disabled=disabled />" Show reply time: the median first response of the last 7 days, in the widget's header"</label>
                        <label class="checkbox"><input type="checkbox" name="ask_for_rating" value="on" checked=settings.ask_for_rating disabled=disabled />" Ask for a rating: offer 1–5 stars when a conversation closes (once per conversation)"</label>
                        {(!disabled).then(|| view! { <button class="button" type="submit">"Save"</button> })}
                        {disabled.then(|| view! { <p class="muted small">"Changing these needs the settings.security permission."</p> })}
                    </ActionForm>
                </section>
            }
            .into_any()
        })}
    }
}
