//! Sign-in. Works without JavaScript: the form posts to the server function directly.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::notice::ErrorNotice;
use crate::server_fns::platform::session::Login;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let next = move || use_query_map().read().get("next");
    view! {
        <Title text="Sign in · Switchboard" />
        <section class="auth-card card">
            <h1>"Sign in"</h1>
            <p class="muted">"Use the account an owner or admin created for you."</p>
            <ActionForm action=login attr:class="form" attr:id="login-form">
                <input type="hidden" name="next" value=next />
                <label>
                    "Email"
                    <input type="email" name="email" required autocomplete="username" />
                </label>
                <label>
                    "Password"
                    <input type="password" name="password" required autocomplete="current-password" />
                </label>
                <button class="button" type="submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            {move || login.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            <p class="muted small">
                "First start? The server log prints a one-time link to create the owner account."
            </p>
        </section>
    }
}
