//! The desk wing's pages (seed 001's support desk): the inbox, tickets, contacts, the widget,
//! and the workspace's snippets, tags and automation.

pub mod contacts;
pub mod help_center;
pub mod inbox;
pub mod support;
pub mod tickets;
pub mod widget;

use leptos::prelude::*;
use model::desk::conversations::SenderKind;

/// One entry of a thread, a conversation's message or a ticket's comment: who wrote it (as the
/// server authenticated them), when, and what; internal ones marked with `internal_label`.
#[component]
fn ThreadEntry(
    sender: SenderKind,
    internal: bool,
    internal_label: &'static str,
    at: String,
    body: String,
) -> impl IntoView {
    let (author, class) = if internal {
        (internal_label, "chat-message note".to_owned())
    } else {
        let author = match sender {
            SenderKind::Visitor => "Visitor",
            SenderKind::Agent => "Agent",
            SenderKind::Bot => "System",
        };
        (author, format!("chat-message {}", sender.as_str()))
    };
    view! {
        <li class=class>
            <span class="chat-meta">{author}" · "{at}</span>
            <p>{body}</p>
        </li>
    }
}
