//! The frame of every page: brand, section navigation, content.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::server_fns::session::{Logout, signed_in_user};

/// One entry of the navigation. `href: None` marks a section that does not exist yet: it is
/// listed so the map of the product is visible, but is not a link.
struct NavItem {
    label: &'static str,
    href: Option<&'static str>,
}

const fn planned(label: &'static str) -> NavItem {
    NavItem { label, href: None }
}

const fn page(label: &'static str, href: &'static str) -> NavItem {
    NavItem {
        label,
        href: Some(href),
    }
}

const NAVIGATION: &[(&str, &[NavItem])] = &[
    (
        "Operate",
        &[
            planned("Overview"),
            planned("Conversations"),
            planned("Handoff queue"),
            planned("Voice sessions"),
            planned("Playground"),
        ],
    ),
    (
        "Configure",
        &[
            planned("Knowledge"),
            planned("Tools"),
            planned("Guardrails"),
            planned("Persona"),
            planned("Experiments"),
        ],
    ),
    (
        "Administer",
        &[
            planned("Apps & settings"),
            planned("Users"),
            planned("Audit log"),
            page("Status", "/status"),
        ],
    ),
];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    view! {
        <div class="app-frame">
            <aside class="sidebar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">"Switchboard"</span>
                </a>
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
                                            .map(|item| nav_entry(item, location.pathname))
                                            .collect_view()}
                                    </ul>
                                </div>
                            }
                        })
                        .collect_view()}
                </nav>
                <UserBox />
                <p class="sidebar-foot">"Voice AI agents, self-hosted."</p>
            </aside>
            <main class="content">{children()}</main>
        </div>
    }
}

fn nav_entry(item: &NavItem, pathname: Memo<String>) -> impl IntoView + use<> {
    let label = item.label;
    match item.href {
        Some(href) => {
            let current = move || (pathname.get() == href).then_some("page");
            view! {
                <li>
                    <a class="nav-link" href=href aria-current=current>
                        {label}
                    </a>
                </li>
            }
            .into_any()
        }
        None => view! {
            <li>
                <span class="nav-link planned" aria-disabled="true" title="Not built yet">
                    {label}
                    <span class="planned-tag">"soon"</span>
                </span>
            </li>
        }
        .into_any(),
    }
}

/// Counts sign-ins and sign-outs in this browser tab, so what shows the signed-in user
/// reloads it when the session changes without a full page load.
#[derive(Clone, Copy)]
pub struct SessionEpoch(RwSignal<u64>);

impl SessionEpoch {
    pub fn provide() {
        provide_context(SessionEpoch(RwSignal::new(0)));
    }

    /// Bumps the epoch whenever `action` completes successfully.
    pub fn bump_on_success<I, O, E>(action: ServerAction<I>)
    where
        I: leptos::server_fn::ServerFn<Output = O, Error = E> + Clone + Send + Sync + 'static,
        O: Clone + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
    {
        let Some(SessionEpoch(epoch)) = use_context::<SessionEpoch>() else {
            return;
        };
        Effect::new(move || {
            if action.value().get().is_some_and(|outcome| outcome.is_ok()) {
                epoch.update(|n| *n += 1);
            }
        });
    }

    fn get() -> u64 {
        use_context::<SessionEpoch>().map_or(0, |SessionEpoch(epoch)| epoch.get())
    }
}

/// Who is signed in, with the way out; or the way in.
#[component]
fn UserBox() -> impl IntoView {
    let user = Resource::new(SessionEpoch::get, |_| signed_in_user());
    let logout = ServerAction::<Logout>::new();
    SessionEpoch::bump_on_success(logout);
    view! {
        <div class="user-box">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => {
                            let role = user
                                .memberships
                                .first()
                                .map(|m| format!("{} · {}", m.role.as_str(), m.workspace_name))
                                .unwrap_or_default();
                            view! {
                                <p class="user-email" id="signed-in-as">{user.email}</p>
                                <p class="user-role">{role}</p>
                                <ActionForm action=logout>
                                    <button class="link-button" type="submit" id="sign-out">"Sign out"</button>
                                </ActionForm>
                            }
                            .into_any()
                        }
                        _ => view! { <a class="nav-link" href="/login" id="sign-in">"Sign in"</a> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
