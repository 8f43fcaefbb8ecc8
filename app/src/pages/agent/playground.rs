//! The voice playground: pick an agent configuration, start a real call through the domain
//! (seed 004's session), and follow it live: connection and agent state, the microphone level,
//! and the transcript, which is stored through the messages API. A rating closes the call.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::agent::playground::{CallState, LiveTranscript, PlaygroundCall, PlaygroundSetup};
use model::agent::voice::VOICES;

use crate::components::notice::PageError;
use crate::server_fns::agent::playground::{EndPlayground, StartPlayground, load_playground};

#[component]
pub fn PlaygroundPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let setup = Resource::new(slug, load_playground);
    view! {
        <Title text="Playground · Switchboard" />
        <header class="page-header">
            <h1>"Playground"</h1>
            <p class="lede">"Talk to this app's agent: a real voice session, its state as it happens, and the transcript as the API stores it."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading the playground…"</p> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(setup) => view! {
                        {setup.voice_unavailable.clone().map(|reason| view! {
                            <p class="notice warn" role="status" id="voice-unavailable">
                                {format!("Voice calls are off on this instance. {reason}.")}
                            </p>
                        })}
                        {(!setup.app_active).then(|| view! {
                            <p class="notice warn" role="status">"This app is deactivated: activate it under Apps & settings to try it."</p>
                        })}
                        <Playground slug=slug() setup />
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
        // livekit-client, served from this origin, and the page's bridge to it.
        <script src="/vendor/livekit-client.umd.js" defer></script>
        <script src="/playground.js" defer></script>
    }
}

/// The configuration form and the call. An island: everything here happens in the browser.
#[island]
fn Playground(slug: String, setup: PlaygroundSetup) -> impl IntoView {
    let start = ServerAction::<StartPlayground>::new();
    let end = ServerAction::<EndPlayground>::new();
    let call = Call::new();
    let realtime = RwSignal::new(false);

    Effect::new(move || {
        if start.pending().get() {
            call.reset();
        }
    });
    Effect::new(move || match start.value().get() {
        Some(Ok(started)) => call.join(started),
        Some(Err(error)) => call.fail(error.message),
        None => {}
    });
    // A call that failed after it started still has a room and an agent: close them.
    let slug_for_cleanup = slug.clone();
    Effect::new(move || {
        if call.state.get() == CallState::Error
            && let Some(failed) = call.started.try_update(Option::take).flatten()
        {
            end.dispatch(EndPlayground {
                slug: slug_for_cleanup.clone(),
                room: failed.room_name,
            });
        }
    });
    bridge::watch_microphone(call);
    let hang_up = {
        let slug = slug.clone();
        move |_| {
            if let Some(room) = call.leave() {
                end.dispatch(EndPlayground {
                    slug: slug.clone(),
                    room,
                });
            }
        }
    };
    let busy = move || start.pending().get() || call.state.get().in_call();
    view! {
        <div class="playground">
            <section class="card" aria-labelledby="agent-title">
                <h2 id="agent-title">"Agent"</h2>
                <ActionForm action=start attr:class="form" attr:id="playground-form">
                    <input type="hidden" name="slug" value=slug />
                    <fieldset class="mode-choice">
                        <legend>"Model"</legend>
                        <label class="checkbox">
                            <input type="radio" name="config[mode]" value="pipeline" checked on:change=move |_| realtime.set(false) />
                            " Speech-to-text, LLM, text-to-speech"
                        </label>
                        <label class="checkbox">
                            <input type="radio" name="config[mode]" value="realtime" on:change=move |_| realtime.set(true) />
                            " Realtime (speech to speech)"
                        </label>
                    </fieldset>
                    <div class="form-row" hidden=realtime>
                        <label>"STT" <input type="text" name="config[stt]" value="local" /></label>
                        <label>"LLM" <input type="text" name="config[llm]" value="local" /></label>
                        <label>"TTS" <input type="text" name="config[tts]" value="local" /></label>
                    </div>
                    <p class="muted" hidden=realtime>"local: the reference agent's offline set (pocketsphinx, answers from the knowledge base, espeak-ng). openai/<model>: an OpenAI-compatible server the agent reaches through OPENAI_BASE_URL."</p>
                    <div class="form-row" hidden=move || !realtime.get()>
                        <label>"Realtime model" <input type="text" name="config[realtime_model]" value="gpt-4o-realtime-preview" /></label>
                        <label>
                            "Voice"
                            <input type="text" name="config[realtime_voice]" list="playground-voices" value=setup.voice />
                            <datalist id="playground-voices">
                                {VOICES.into_iter().map(|v| view! { <option value=v></option> }).collect_view()}
                            </datalist>
                        </label>
                    </div>
                    <label>"Instructions" <textarea name="config[prompt]" rows="5">{crate::format::textarea_text(&setup.instructions)}</textarea></label>
                    <label>"Greeting" <input type="text" name="config[greeting]" value=setup.greeting placeholder="Hi, how can I help?" /></label>
                    <div class="form-row">
                        <label class="checkbox"><input type="checkbox" name="config[vad_enabled]" checked />" Voice activity detection"</label>
                        <label class="checkbox"><input type="checkbox" name="config[turn_detection_enabled]" checked />" Turn detection"</label>
                        <label class="checkbox"><input type="checkbox" name="config[noise_cancellation_enabled]" checked />" Noise cancellation"</label>
                        <label>
                            "Noise model"
                            <select name="config[noise_cancellation_type]">
                                <option value="auto">"auto"</option>
                                <option value="standard">"standard"</option>
                                <option value="telephony">"telephony"</option>
                                <option value="none">"none"</option>
                            </select>
                        </label>
                    </div>
                    <button class="button" type="submit" id="start-call" disabled=busy>"Start call"</button>
                </ActionForm>
            </section>
            <section class="card call" aria-labelledby="call-title">
                <div class="call-head">
                    <h2 id="call-title">"Call"</h2>
                    <p class="call-state" id="call-state" data-state=move || call.state.get().as_str() role="status">
                        <span class="state-dot" aria-hidden="true"></span>
                        {move || call.state.get().as_str()}
                    </p>
                </div>
                {move || call.failure.get().map(|message| view! { <p class="notice error" role="alert" id="call-error">{message}</p> })}
                <label class="mic">
                    "Microphone"
                    <meter id="mic-level" min="0" max="1" low="0.05" high="0.8" value=move || call.level.get()></meter>
                </label>
                <button class="button secondary danger" type="button" id="end-call" hidden=move || !call.state.get().in_call() on:click=hang_up>
                    "End call"
                </button>
                <Transcript transcript=call.transcript />
                {move || (call.state.get() == CallState::Disconnected).then(|| call.session()).flatten().map(|session| view! { <Rating session /> })}
            </section>
        </div>
    }
}

#[component]
fn Transcript(transcript: RwSignal<LiveTranscript>) -> impl IntoView {
    move || {
        let segments = transcript.get().segments;
        if segments.is_empty() {
            return view! { <p class="muted" id="live-transcript">"The transcript appears here as you and the agent speak."</p> }.into_any();
        }
        view! {
            <ol class="transcript" id="live-transcript">
                {segments
                    .into_iter()
                    .map(|segment| {
                        let class = format!("turn {}{}", segment.role, if segment.is_final { "" } else { " interim" });
                        view! {
                            <li class=class data-segment=segment.segment_id>
                                <p class="turn-meta"><span class="turn-role">{segment.role}</span></p>
                                <p class="turn-text">{segment.text}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    }
}

/// The CSAT prompt after a call: one to five, and a comment, sent through `POST /api/csat`.
#[component]
fn Rating(session: PlaygroundCall) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<u8, String>>);
    let rate = move |rating: u8| {
        let session = session.clone();
        move |_| bridge::rate(session.clone(), rating, comment.get_untracked(), outcome)
    };
    view! {
        <div class="rating" id="csat-prompt">
            {move || match outcome.get() {
                Some(Ok(rating)) => view! { <p class="notice ok" role="status">{format!("Thanks: rated {rating} of 5.")}</p> }.into_any(),
                failed => view! {
                    <p><strong>"How was this call?"</strong></p>
                    <label>"Comment (optional)" <input type="text" maxlength="1000" bind:value=comment /></label>
                    <div class="rating-buttons">
                        {(1..=5_u8).map(|n| view! { <button class="button secondary" type="button" on:click=rate(n)>{n.to_string()}</button> }).collect_view()}
                    </div>
                    {failed.and_then(Result::err).map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
                }
                .into_any(),
            }}
        </div>
    }
}

/// The state of one call, shared by the island's parts.
#[derive(Clone, Copy)]
struct Call {
    state: RwSignal<CallState>,
    failure: RwSignal<Option<String>>,
    transcript: RwSignal<LiveTranscript>,
    /// The agent stores the transcript itself: the page then stores none.
    agent_stores_transcript: RwSignal<bool>,
    level: RwSignal<f64>,
    started: RwSignal<Option<PlaygroundCall>>,
}

impl Call {
    fn new() -> Call {
        Call {
            state: RwSignal::new(CallState::Idle),
            failure: RwSignal::new(None),
            transcript: RwSignal::new(LiveTranscript::default()),
            agent_stores_transcript: RwSignal::new(false),
            level: RwSignal::new(0.0),
            started: RwSignal::new(None),
        }
    }

    /// A new call is being asked for: forget the last one.
    fn reset(self) {
        self.state.set(CallState::Connecting);
        self.failure.set(None);
        self.transcript.set(LiveTranscript::default());
        self.agent_stores_transcript.set(false);
        self.started.set(None);
    }

    fn fail(self, message: String) {
        self.failure.set(Some(message));
        self.state.set(CallState::Error);
    }

    fn join(self, started: PlaygroundCall) {
        self.started.set(Some(started.clone()));
        bridge::join(started, self);
    }

    /// Hangs up; the room to close on the server, if a call was started.
    fn leave(self) -> Option<String> {
        bridge::leave();
        self.state.set(CallState::Disconnected);
        self.level.set(0.0);
        self.session().map(|call| call.room_name)
    }

    fn session(self) -> Option<PlaygroundCall> {
        self.started.get_untracked()
    }
}

/// The browser side: `window.switchboardPlayground` (public/playground.js) over livekit-client,
/// and the JSON API with the call's session token. Nothing of it runs on the server.
mod bridge {
    #[cfg(not(feature = "hydrate"))]
    use model::agent::playground::PlaygroundCall;

    #[cfg(feature = "hydrate")]
    pub use browser::{join, leave, rate, watch_microphone};

    #[cfg(not(feature = "hydrate"))]
    pub fn join(_: PlaygroundCall, _: super::Call) {}

    #[cfg(not(feature = "hydrate"))]
    pub fn leave() {}

    #[cfg(not(feature = "hydrate"))]
    pub fn watch_microphone(_: super::Call) {}

    #[cfg(not(feature = "hydrate"))]
    pub fn rate(
        _: PlaygroundCall,
        _: u8,
        _: String,
        _: leptos::prelude::RwSignal<Option<Result<u8, String>>>,
    ) {
    }

    #[cfg(feature = "hydrate")]
    mod browser {
        use std::time::Duration;

        use leptos::prelude::*;
        use model::agent::conversations::{MessageRole, NewMessage};
        use model::agent::persona::SubmitCsat;
        use model::agent::playground::{BridgeEvent, PlaygroundCall, Segment};
        use wasm_bindgen::prelude::*;
        use wasm_bindgen_futures::spawn_local;

        use super::super::Call;

        /// How often the microphone meter is read while in a call.
        const METER_EVERY: Duration = Duration::from_millis(100);

        #[wasm_bindgen]
        extern "C" {
            #[wasm_bindgen(js_namespace = switchboardPlayground, catch)]
            async fn connect(
                url: &str,
                token: &str,
                on_event: &Closure<dyn FnMut(String)>,
            ) -> Result<JsValue, JsValue>;

            #[wasm_bindgen(js_namespace = switchboardPlayground, catch)]
            fn disconnect() -> Result<JsValue, JsValue>;

            #[wasm_bindgen(js_namespace = switchboardPlayground, js_name = micLevel, catch)]
            fn mic_level() -> Result<f64, JsValue>;
        }

        pub fn join(started: PlaygroundCall, call: Call) {
            let persist_to = started.clone();
            let on_event = Closure::<dyn FnMut(String)>::new(move |json: String| {
                let Ok(event) = serde_json::from_str::<BridgeEvent>(&json) else {
                    return;
                };
                match &event {
                    BridgeEvent::Error { message } => call.failure.set(Some(message.clone())),
                    BridgeEvent::Agent {
                        stores_transcript: true,
                        ..
                    } => call.agent_stores_transcript.set(true),
                    _ => {}
                }
                call.state.update(|state| *state = state.after(&event));
                let finished = call
                    .transcript
                    .try_update(|transcript| transcript.apply(&event, js_sys::Date::now() as i64))
                    .flatten();
                if let Some(segment) = finished
                    && !call.agent_stores_transcript.get_untracked()
                {
                    spawn_local(store_segment(persist_to.clone(), segment));
                }
            });
            spawn_local(async move {
                let outcome = connect(&started.livekit_url, &started.user_token, &on_event).await;
                if let Err(error) = outcome {
                    let reason = error
                        .as_string()
                        .or_else(|| {
                            js_sys::Reflect::get(&error, &"message".into())
                                .ok()?
                                .as_string()
                        })
                        .unwrap_or_else(|| "the LiveKit client failed".to_owned());
                    call.fail(format!("The call could not start: {reason}"));
                }
                // The bridge keeps calling back for as long as the room lives.
                on_event.forget();
            });
        }

        /// Reads the microphone's level while a call is under way, for the meter.
        pub fn watch_microphone(call: Call) {
            set_interval(
                move || {
                    let level = if call.state.get_untracked().in_call() {
                        mic_level().unwrap_or(0.0)
                    } else {
                        0.0
                    };
                    call.level.set(level);
                },
                METER_EVERY,
            );
        }

        pub fn leave() {
            let _ = disconnect();
        }

        /// Stores a final segment through `POST /api/messages`, as any browser client would,
        /// for agents that do not store the transcript themselves.
        async fn store_segment(call: PlaygroundCall, segment: Segment) {
            let role = if segment.role == "user" {
                MessageRole::User
            } else {
                MessageRole::Agent
            };
            let message = NewMessage {
                session_id: call.session_id.clone(),
                room_name: Some(call.room_name.clone()),
                participant_identity: segment.identity,
                role,
                content: segment.text,
                is_final: true,
                language: None,
                created_at: segment.started_at,
                segment_id: Some(segment.segment_id),
            };
            let body = serde_json::json!({ "messages": [message] });
            // A lost line is shown on the page anyway.
            let _ = post_json("/api/messages", &call.session_token, &body).await;
        }

        pub fn rate(
            call: PlaygroundCall,
            rating: u8,
            comment: String,
            outcome: RwSignal<Option<Result<u8, String>>>,
        ) {
            spawn_local(async move {
                let body = SubmitCsat {
                    session_id: call.session_id.clone(),
                    rating: f64::from(rating),
                    comment: Some(comment).filter(|c| !c.trim().is_empty()),
                };
                let sent = match serde_json::to_value(&body) {
                    Ok(body) => post_json("/api/csat", &call.session_token, &body).await,
                    Err(error) => Err(error.to_string()),
                };
                outcome.set(Some(sent.map(|()| rating)));
            });
        }

        /// POSTs JSON to the API with the call's session token; the error is the API's message.
        async fn post_json(
            path: &str,
            session_token: &str,
            body: &serde_json::Value,
        ) -> Result<(), String> {
            let bearer = format!("Bearer {session_token}");
            let headers = [
                ("content-type", "application/json"),
                ("authorization", bearer.as_str()),
            ];
            crate::browser::post(path, &headers, &body.to_string())
                .await
                .map(|_| ())
                .map_err(|refusal| refusal.message)
        }
    }
}
