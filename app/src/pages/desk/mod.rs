//! The desk wing's pages (seed 001's support desk): the inbox, tickets, contacts, the widget,
//! and the workspace's snippets, tags and automation.

pub mod contacts;
pub mod help_center;
pub mod help_center_editor;
pub mod inbox;
pub mod support;
pub mod tickets;
pub mod widget;

use leptos::prelude::*;
use model::desk::ai_agent::{AiAnswer, AiHandoffReason};
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
    /// The AI turn that posted it, if the AI did.
    #[prop(default = None)]
    ai: Option<AiAnswer>,
) -> impl IntoView {
    let (author, class) = if internal {
        (internal_label, "chat-message note".to_owned())
    } else {
        let author = match (sender, &ai) {
            (SenderKind::Bot, Some(_)) => "AI agent",
            (SenderKind::Visitor, _) => "Visitor",
            (SenderKind::Agent, _) => "Agent",
            (SenderKind::Bot, None) => "System",
        };
        (author, format!("chat-message {}", sender.as_str()))
    };
    view! {
        <li class=class>
            <span class="chat-meta">{author}" · "{at}</span>
            <p>{body}</p>
            {ai.map(|ai| view! { <AiTurnFacts ai /> }.into_any())}
        </li>
    }
    .into_any()
}

/// What an AI turn rests on: its confidence, sources, latency, any handoff and the visitor's
/// rating.
#[component]
fn AiTurnFacts(ai: AiAnswer) -> impl IntoView {
    let confidence = format!("confidence {:.0}%", ai.confidence * 100.0);
    let outcome = match ai.handoff_reason {
        Some(AiHandoffReason::LowConfidence) => "handed off: no source was close enough",
        Some(AiHandoffReason::AskedForHuman) => "handed off: the visitor asked for a human",
        Some(AiHandoffReason::Failed) => "handed off: the answer could not be generated",
        None => "answered",
    };
    let rating = match ai.helpful {
        Some(true) => " · rated helpful",
        Some(false) => " · rated not helpful",
        None => "",
    };
    let sources = (!ai.sources.is_empty()).then(|| {
        view! {
            <span class="ai-sources">
                " · sources: "
                {ai
                    .sources
                    .into_iter()
                    .map(|source| view! { <a href=source.url target="_blank" rel="noopener">{source.title}</a>" " })
                    .collect_view()}
            </span>
        }
    });
    view! {
        <span class="chat-meta ai-facts">
            {format!("{outcome} · {confidence} · {} ms · {}{rating}", ai.latency_ms, ai.model)}
            {sources}
        </span>
    }
}
