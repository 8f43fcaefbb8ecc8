//! The inbox's reply box: typing `/` and the start of a shortcut suggests the workspace's
//! snippets; arrows choose, Enter or Tab inserts, Escape dismisses. It is the form's `body`
//! field, so the form posts as a plain form does.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A snippet the reply box may insert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnippetChoice {
    pub shortcut: String,
    pub name: String,
    pub content: String,
}

/// Suggestions shown at once.
const MAX_SUGGESTIONS: usize = 8;

/// The `/word` being typed at the end of `text`: the byte where it starts and the word after
/// the slash.
pub fn slash_word(text: &str) -> Option<(usize, &str)> {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, ch)| ch.is_whitespace())
        .map_or(0, |(at, ch)| at + ch.len_utf8());
    text[start..].strip_prefix('/').map(|word| (start, word))
}

/// The snippets whose shortcut starts with what was typed after `/`.
pub fn suggestions(snippets: &[SnippetChoice], text: &str) -> Vec<SnippetChoice> {
    let Some((_, typed)) = slash_word(text) else {
        return Vec::new();
    };
    let typed = typed.to_lowercase();
    snippets
        .iter()
        .filter(|snippet| snippet.shortcut.starts_with(&typed))
        .take(MAX_SUGGESTIONS)
        .cloned()
        .collect()
}

#[island]
pub fn ReplyComposer(snippets: Vec<SnippetChoice>) -> impl IntoView {
    let snippets = StoredValue::new(snippets);
    let text = RwSignal::new(String::new());
    let active = RwSignal::new(0_usize);
    let dismissed = RwSignal::new(false);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let shown = move || {
        if dismissed.get() {
            return Vec::new();
        }
        text.with(|text| snippets.with_value(|all| suggestions(all, text)))
    };
    let insert = move |choice: SnippetChoice| {
        let current = text.get_untracked();
        let Some((start, _)) = slash_word(&current) else {
            return;
        };
        let replaced = format!("{}{}", &current[..start], choice.content);
        if let Some(element) = textarea.get_untracked() {
            element.set_value(&replaced);
            let _ = element.focus();
        }
        text.set(replaced);
        active.set(0);
    };
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let list = shown();
        if list.is_empty() {
            return;
        }
        let count = list.len();
        match event.key().as_str() {
            "ArrowDown" => {
                event.prevent_default();
                active.update(|at| *at = (*at + 1) % count);
            }
            "ArrowUp" => {
                event.prevent_default();
                active.update(|at| *at = (*at + count - 1) % count);
            }
            "Enter" | "Tab" => {
                event.prevent_default();
                insert(list[active.get_untracked().min(count - 1)].clone());
            }
            "Escape" => {
                event.prevent_default();
                dismissed.set(true);
            }
            _ => {}
        }
    };
    view! {
        <textarea
            name="body"
            id="reply-body"
            rows="4"
            required
            maxlength="5000"
            placeholder="Write to the visitor… (type / for a snippet)"
            aria-autocomplete="list"
            aria-controls="snippet-suggestions"
            aria-keyshortcuts="r"
            data-shortcut="r"
            node_ref=textarea
            on:input=move |event| {
                text.set(event_target_value(&event));
                active.set(0);
                dismissed.set(false);
            }
            on:keydown=on_keydown
        ></textarea>
        <ul
            id="snippet-suggestions"
            class="snippet-suggestions"
            role="listbox"
            aria-label="Snippets"
            hidden=move || shown().is_empty()
        >
            {move || {
                shown()
                    .into_iter()
                    .enumerate()
                    .map(|(at, choice)| {
                        let selected = move || active.get() == at;
                        let label = format!("/{} · {}", choice.shortcut, choice.name);
                        view! {
                            <li
                                role="option"
                                aria-selected=move || selected().to_string()
                                class:active=selected
                                on:mousedown=move |event| {
                                    event.prevent_default();
                                    insert(choice.clone());
                                }
                            >
                                {label}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(shortcut: &str) -> SnippetChoice {
        SnippetChoice {
            shortcut: shortcut.to_owned(),
            name: shortcut.to_owned(),
            content: format!("{shortcut} text"),
        }
    }

    #[test]
    fn a_slash_word_at_the_end_suggests_snippets() {
        let all = [choice("thanks"), choice("refund"), choice("thanks-long")];
        let names = |text: &str| {
            suggestions(&all, text)
                .into_iter()
                .map(|choice| choice.shortcut)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("/th"), ["thanks", "thanks-long"]);
        assert_eq!(names("Hello é /RE"), ["refund"]);
        assert_eq!(names("/"), ["thanks", "refund", "thanks-long"]);
        assert!(names("a/th").is_empty(), "inside a word");
        assert!(names("/th more").is_empty(), "the word ended");
        assert_eq!(slash_word("ok\u{3000}/x"), Some((5, "x")));
    }
}
