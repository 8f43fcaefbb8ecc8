//! The frame of every page: brand, app switcher, the sections the user's role opens, content.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::platform::dashboard::{AppChoice, DashboardFrame};
use model::platform::users::Permission;

use crate::components::form_enhancer::FormEnhancer;
use crate::error::UiError;
use crate::server_fns::platform::frame::page_frame;
use crate::server_fns::platform::session::Logout;

/// Where a navigation entry leads.
#[derive(Clone, Copy)]
enum Target {
    /// A page of one app: `/apps/{slug}/{section}`, shown to users holding the permission.
    App {
        section: &'static str,
        permission: Permission,
    },
    /// A page of the instance.
    Instance(&'static str),
}

struct NavItem {
    label: &'static str,
    target: Target,
}

const fn app_page(label: &'static str, section: &'static str, permission: Permission) -> NavItem {
    NavItem {
        label,
        target: Target::App {
            section,
            permission,
        },
    }
}

const NAVIGATION: &[(&str, &[NavItem])] = &[
    (
        "Operate",
        &[
            app_page("Overview", "overview", Permission::AnalyticsRead),
            app_page(
                "Conversations",
                "conversations",
                Permission::ConversationsRead,
            ),
            app_page("Handoff queue", "handoffs", Permission::ConversationsRead),
            app_page(
                "Voice sessions",
                "voice-sessions",
                Permission::ConversationsRead,
            ),
            app_page("Playground", "playground", Permission::AppsRead),
            app_page("Inbox", "inbox", Permission::ConversationsRead),
            app_page("Tickets", "tickets", Permission::ConversationsRead),
            app_page("Contacts", "contacts", Permission::ConversationsRead),
        ],
    ),
    (
        "Configure",
        &[
            app_page("Knowledge", "knowledge", Permission::KnowledgeRead),
            app_page("Help center", "help-center", Permission::KnowledgeRead),
            app_page("AI agent", "ai-agent", Permission::KnowledgeRead),
            app_page("Tools", "tools", Permission::ToolsManage),
            app_page("Guardrails", "guardrails", Permission::GuardrailsManage),
            app_page("Persona", "persona", Permission::PersonaManage),
            app_page("Experiments", "experiments", Permission::ExperimentsManage),
            app_page("Widget", "widget", Permission::AppsRead),
            app_page("Snippets", "snippets", Permission::ConversationsRead),
            app_page("Tags", "tags", Permission::ConversationsRead),
            app_page("Automation", "automation", Permission::ConversationsRead),
        ],
    ),
    (
        "Administer",
        &[
            app_page("Apps & settings", "settings", Permission::AppsRead),
            app_page("Users", "users", Permission::UsersRead),
            app_page("Workspace", "workspace", Permission::AppsRead),
            app_page("Audit log", "audit", Permission::AuditRead),
            NavItem {
                label: "Status",
                target: Target::Instance("/status"),
            },
        ],
    ),
];

/// The app a path is about: `/apps/{slug}/…`.
pub fn app_in_path(path: &str) -> Option<String> {
    let slug = path.strip_prefix("/apps/")?.split('/').next()?;
    (!slug.is_empty()).then(|| slug.to_owned())
}

/// The section of an app page's path: `conversations` for `/apps/shop/conversations/abc`.
fn section_in_path(path: &str) -> Option<&str> {
    path.strip_prefix("/apps/")?.split('/').nth(1)
}

/// The frame of the page being rendered (who is signed in, their role in the current app), as
/// the layout loads it.
#[derive(Clone, Copy)]
pub struct PageFrame(pub Resource<Result<Option<DashboardFrame>, UiError>>);

impl PageFrame {
    /// Whether the signed-in user holds `permission` in the page's app.
    pub async fn allows(permission: Permission) -> bool {
        let Some(PageFrame(frame)) = use_context::<PageFrame>() else {
            return false;
        };
        frame
            .await
            .ok()
            .flatten()
            .is_some_and(|frame| frame.can(permission))
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let pathname = location.pathname;
    let frame = Resource::new(move || app_in_path(&pathname.get()), page_frame);
    // Pages that depend on the user's role read this frame rather than fetch it again.
    provide_context(PageFrame(frame));
    view! {
        <div class="app-frame">
            <aside class="sidebar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">"Switchboard"</span>
                </a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let frame = frame.await.ok().flatten();
                        view! {
                            <AppSwitcher frame=frame.clone() pathname />
                            <Navigation frame=frame.clone() pathname />
                            <UserBox frame />
                        }
                    })}
                </Suspense>
                <p class="sidebar-foot">"Voice AI agents, self-hosted."</p>
            </aside>
            <main class="content">{children()}</main>
        </div>
        <FormEnhancer />
    }
}

/// The current app, and links to the same section of the user's other apps.
#[component]
fn AppSwitcher(frame: Option<DashboardFrame>, pathname: Memo<String>) -> impl IntoView {
    let frame = frame?;
    let current = frame.current.clone()?;
    let section = move || {
        section_in_path(&pathname.get())
            .unwrap_or("overview")
            .to_owned()
    };
    let others: Vec<AppChoice> = frame
        .apps
        .iter()
        .filter(|app| app.slug != current.slug)
        .cloned()
        .collect();
    Some(view! {
        <details class="app-switcher">
            <summary id="current-app" title="Switch app or workspace">
                <span class="app-workspace">{current.workspace_name.clone()}</span>
                <span class="app-name">{current.name.clone()}</span>
                <span class="app-slug mono">{current.slug.clone()}</span>
            </summary>
            <ul>
                {if others.is_empty() {
                    view! { <li class="muted">"No other app"</li> }.into_any()
                } else {
                    // Grouped by workspace: a user of several workspaces switches here.
                    let mut workspace = String::new();
                    others
                        .into_iter()
                        .map(|app| {
                            let heading = (app.workspace_name != workspace).then(|| {
                                workspace = app.workspace_name.clone();
                                view! { <li class="switcher-workspace">{app.workspace_name.clone()}</li> }
                            });
                            let href = move || format!("/apps/{}/{}", app.slug, section());
                            view! {
                                {heading}
                                <li>
                                    <a href=href>
                                        {app.name.clone()}
                                        {(!app.is_active).then(|| view! { <span class="badge off">"inactive"</span> })}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </details>
    })
}

/// The sections, as the user's role in the current app allows. Signed out, only the instance's
/// pages are links.
#[component]
fn Navigation(frame: Option<DashboardFrame>, pathname: Memo<String>) -> impl IntoView {
    let slug = frame
        .as_ref()
        .and_then(|frame| frame.current.as_ref().map(|app| app.slug.clone()));
    let allowed = |permission| frame.as_ref().is_some_and(|frame| frame.can(permission));
    view! {
        <nav aria-label="Sections">
            {NAVIGATION
                .iter()
                .map(|(group, items)| {
                    view! {
                        <div class="nav-group">
                            <p class="nav-group-title">{*group}</p>
                            <ul>
                                {items
                                    .iter()
                                    .filter_map(|item| {
                                        let href = match item.target {
                                            Target::App { section, permission } => {
                                                if frame.is_some() && !allowed(permission) {
                                                    return None;
                                                }
                                                slug.as_ref().map(|slug| format!("/apps/{slug}/{section}"))
                                            }
                                            Target::Instance(path) => Some(path.to_owned()),
                                        };
                                        Some(nav_entry(item.label, href, pathname))
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
                .collect_view()}
        </nav>
    }
}

fn nav_entry(
    label: &'static str,
    href: Option<String>,
    pathname: Memo<String>,
) -> impl IntoView + use<> {
    match href {
        Some(href) => {
            let prefix = href.clone();
            // A section stays current on its sub-pages (a conversation under Conversations).
            let current = move || {
                let path = pathname.get();
                (path == prefix || path.starts_with(&format!("{prefix}/"))).then_some("page")
            };
            view! {
                <li>
                    <a class="nav-link" href=href aria-current=current>
                        {label}
                    </a>
                </li>
            }
            .into_any()
        }
        // Signed out, or no app yet: the entry shows where the page is, not a link.
        None => view! {
            <li>
                <span class="nav-link planned" aria-disabled="true" title="Sign in and open an app first">
                    {label}
                    <span class="planned-tag">"app"</span>
                </span>
            </li>
        }
        .into_any(),
    }
}

/// Who is signed in, with the way out; or the way in.
#[component]
fn UserBox(frame: Option<DashboardFrame>) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="user-box">
            {match frame {
                Some(frame) => {
                    let role = match (&frame.current, frame.role) {
                        (Some(app), Some(role)) => format!("{} · {}", role.as_str(), app.name),
                        _ => frame
                            .user
                            .memberships
                            .first()
                            .map(|m| format!("{} · {}", m.role.as_str(), m.workspace_name))
                            .unwrap_or_default(),
                    };
                    view! {
                        <p class="user-email" id="signed-in-as">{frame.user.email}</p>
                        <p class="user-role">{role}</p>
                        <ActionForm action=logout>
                            <button class="link-button" type="submit" id="sign-out">"Sign out"</button>
                        </ActionForm>
                    }
                    .into_any()
                }
                None => view! { <a class="nav-link" href="/login" id="sign-in">"Sign in"</a> }.into_any(),
            }}
        </div>
    }
}
