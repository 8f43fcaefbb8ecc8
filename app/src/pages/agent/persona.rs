//! Persona: every field the agent speaks with, and a live preview of the instructions composed
//! from them (the same function the server composes them with).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::agent::persona::{Persona, Terms, compose_instructions};
use model::agent::voice::VOICES;
use model::platform::apps::AppSettings;

use crate::components::notice::{ErrorNotice, PageError};
use crate::server_fns::agent::persona::{SavePersona, load_persona};

#[component]
pub fn PersonaPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let persona = Resource::new(slug, load_persona);
    view! {
        <Title text="Persona · Switchboard" />
        <header class="page-header">
            <h1>"Persona"</h1>
            <p class="lede">"Who the agent is and how it speaks. Agents read this through the API and compose their instructions from it."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading the persona…"</p> }>
            {move || Suspend::new(async move {
                match persona.await {
                    Ok(persona) => view! { <PersonaEditor slug=slug() persona /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fields and the preview: an island, as the preview follows each keystroke.
#[island]
fn PersonaEditor(slug: String, persona: Persona) -> impl IntoView {
    let save = ServerAction::<SavePersona>::new();
    let text = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
    let prompt = RwSignal::new(persona.system_prompt);
    let voice = text(persona.voice);
    let name = text(persona.persona_name);
    let greeting = text(persona.persona_greeting);
    let tone = text(persona.persona_tone);
    let preferred = text(persona.preferred_terms);
    let blocked = text(persona.blocked_terms);
    let ui_strings = RwSignal::new(
        persona
            .ui_strings
            .and_then(|map| serde_json::to_string_pretty(&map).ok())
            .unwrap_or_default(),
    );
    let preview = move || {
        let optional = |signal: RwSignal<String>| {
            let value = signal.get().trim().to_owned();
            (!value.is_empty()).then_some(value)
        };
        compose_instructions(&AppSettings {
            system_prompt: prompt.get(),
            persona_name: optional(name),
            persona_greeting: optional(greeting),
            persona_tone: optional(tone),
            preferred_terms: Terms::Text(preferred.get()).into_list(),
            blocked_terms: Terms::Text(blocked.get()).into_list(),
            ..AppSettings::default()
        })
    };
    let saved = move || save.value().get().map(|outcome| outcome.map(|_| ()));
    view! {
        <div class="detail-layout">
            <section class="card">
                <h2>"Fields"</h2>
                <ActionForm action=save attr:class="form" attr:id="persona-form">
                    <input type="hidden" name="slug" value=slug />
                    <label>
                        "System prompt"
                        <textarea name="persona[system_prompt]" rows="6" bind:value=prompt></textarea>
                    </label>
                    <div class="form-row">
                        <label>"Name" <input type="text" name="persona[persona_name]" maxlength="1000" bind:value=name placeholder="Aria" /></label>
                        <label>"Tone" <input type="text" name="persona[persona_tone]" maxlength="1000" bind:value=tone placeholder="friendly" /></label>
                        <label>
                            "Voice"
                            <input type="text" name="persona[voice]" list="voices" maxlength="1000" bind:value=voice placeholder="the model's default" />
                            <datalist id="voices">
                                {VOICES.into_iter().map(|v| view! { <option value=v></option> }).collect_view()}
                            </datalist>
                        </label>
                    </div>
                    <label>"Greeting" <input type="text" name="persona[persona_greeting]" maxlength="1000" bind:value=greeting placeholder="Hi! How can I help?" /></label>
                    <div class="form-row">
                        <label>"Preferred terms" <input type="text" name="persona[preferred_terms]" bind:value=preferred placeholder="guest, team member" /></label>
                        <label>"Blocked terms" <input type="text" name="persona[blocked_terms]" bind:value=blocked placeholder="cheap, problem" /></label>
                    </div>
                    <label>
                        "UI strings (JSON object, shown by browser clients)"
                        <textarea name="persona[ui_strings]" rows="4" class="mono" bind:value=ui_strings placeholder="{\"title\": \"Talk to us\"}"></textarea>
                    </label>
                    <div class="form-actions">
                        <button class="button" type="submit" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save persona" }}
                        </button>
                        {move || match saved() {
                            Some(Ok(())) => view! { <span class="badge ok" role="status">"Saved"</span> }.into_any(),
                            Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                            None => ().into_any(),
                        }}
                    </div>
                </ActionForm>
            </section>
            <aside class="card preview" aria-labelledby="preview-title">
                <h2 id="preview-title">"Instructions the agent gets"</h2>
                <p class="muted small">"Composed from the fields as you type; the name and tone are left out when the prompt already says them."</p>
                <pre id="instructions-preview">{preview}</pre>
            </aside>
        </div>
    }
}
