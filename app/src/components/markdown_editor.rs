//! The article editor's Markdown box with a live preview: the server renders and sanitises
//! the text (as readers will see it) a moment after typing stops. It is the form's `content`
//! field, so the form posts as a plain form does; without scripts there is no live preview.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::server_fns::desk::help_center::preview_markdown;

/// Typing pauses this long before the preview is asked for.
const PREVIEW_DELAY: Duration = Duration::from_millis(300);

#[island]
pub fn MarkdownEditor(
    /// The form field's name.
    name: String,
    content: String,
    preview: String,
    editable: bool,
) -> impl IntoView {
    let html = RwSignal::new(preview);
    // Only the latest keystroke's preview is asked for and shown.
    let generation = RwSignal::new(0_u64);
    let on_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        let mine = generation.get_untracked() + 1;
        generation.set(mine);
        set_timeout(
            move || {
                if generation.get_untracked() != mine {
                    return;
                }
                spawn_local(async move {
                    if let Ok(rendered) = preview_markdown(text).await
                        && generation.get_untracked() == mine
                    {
                        html.set(rendered);
                    }
                });
            },
            PREVIEW_DELAY,
        );
    };
    view! {
        <div class="markdown-editor">
            <label>
                "Content (Markdown)"
                <textarea name=name rows="18" required maxlength="200000" readonly=!editable on:input=on_input>
                    {crate::format::textarea_text(&content)}
                </textarea>
            </label>
            <section class="markdown-preview" aria-label="Preview" aria-live="polite">
                <h3 class="muted small">"Preview"</h3>
                <div class="help-body" inner_html=move || html.get()></div>
            </section>
        </div>
    }
}
