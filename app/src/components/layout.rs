//! The frame of every page: brand, section navigation, content.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

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
