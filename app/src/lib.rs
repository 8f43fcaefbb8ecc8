//! Switchboard's UI: Leptos pages rendered on the server, with islands for the interactive parts.
//!
//! Built with the `ssr` feature inside the server and with `hydrate` into the wasm bundle, never
//! both. Pages load data through server functions (`server_fns`), which call the same
//! `domain::Services` as the JSON API; the wasm build never links the domain.
//!
//! Leptos runs in islands mode: a page is HTML from the server, its forms post without
//! JavaScript, and only components marked `#[island]` (a live preview, a secret shown once, a
//! region that follows changes, the playground) are compiled to wasm and hydrated.

#[cfg(feature = "hydrate")]
mod browser;
mod components;
pub mod error;
mod format;
mod pages;
/// The public help center's pages, which the server renders outside the dashboard's shell.
pub use pages::desk::help_center;
#[cfg(feature = "ssr")]
pub mod request;
pub mod server_fns;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::Layout;
use crate::pages::agent::conversations::{ConversationPage, ConversationsPage};
use crate::pages::agent::experiments::ExperimentsPage;
use crate::pages::agent::guardrails::GuardrailsPage;
use crate::pages::agent::handoffs::HandoffsPage;
use crate::pages::agent::knowledge::{DocumentPage, KnowledgePage};
use crate::pages::agent::overview::OverviewPage;
use crate::pages::agent::persona::PersonaPage;
use crate::pages::agent::playground::PlaygroundPage;
use crate::pages::agent::tools::ToolsPage;
use crate::pages::agent::voice_sessions::{VoiceSessionPage, VoiceSessionsPage};
use crate::pages::desk::contacts::{ContactPage, ContactsPage};
use crate::pages::desk::help_center_editor::{AiAgentPage, ArticleEditorPage, HelpCenterPage};
use crate::pages::desk::inbox::{InboxConversationPage, InboxPage};
use crate::pages::desk::support::{AutomationPage, SnippetsPage, TagsPage};
use crate::pages::desk::tickets::{TicketPage, TicketsPage};
use crate::pages::desk::widget::WidgetPage;
use crate::pages::not_found::NotFound;
use crate::pages::platform::apps::AppsPage;
use crate::pages::platform::audit::AuditPage;
use crate::pages::platform::home::HomePage;
use crate::pages::platform::login::LoginPage;
use crate::pages::platform::setup::SetupPage;
use crate::pages::platform::status::StatusPage;
use crate::pages::platform::users::UsersPage;
use crate::pages::platform::workspace::WorkspacePage;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: layout and route table.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="switchboard" href="/pkg/switchboard.css" />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    // Async: the server waits for the page's data and sends it complete, so it reads
                    // the same without JavaScript and can still set the status code.
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/status") view=StatusPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/overview") view=OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/conversations") view=ConversationsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/apps/:slug/conversations/:session")
                        view=ConversationPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/apps/:slug/handoffs") view=HandoffsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/voice-sessions") view=VoiceSessionsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/apps/:slug/voice-sessions/:id")
                        view=VoiceSessionPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/apps/:slug/persona") view=PersonaPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/playground") view=PlaygroundPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/experiments") view=ExperimentsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/guardrails") view=GuardrailsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/knowledge") view=KnowledgePage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/knowledge/:id") view=DocumentPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/tools") view=ToolsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/settings") view=AppsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/workspace") view=WorkspacePage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/inbox") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/inbox/:id") view=InboxConversationPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/tickets") view=TicketsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/tickets/:id") view=TicketPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/snippets") view=SnippetsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/tags") view=TagsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/automation") view=AutomationPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/contacts") view=ContactsPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/contacts/:id") view=ContactPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/widget") view=WidgetPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/help-center") view=HelpCenterPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/help-center/articles/:id") view=ArticleEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/apps/:slug/ai-agent") view=AiAgentPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
