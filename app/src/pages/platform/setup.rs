//! First-run setup: creates the owner account with the one-time token from the server log.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::platform::users::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

use crate::components::notice::ErrorNotice;
use crate::server_fns::platform::session::{CompleteSetup, setup_pending};

#[component]
pub fn SetupPage() -> impl IntoView {
    let pending = Resource::new(|| (), |()| setup_pending());
    let setup = ServerAction::<CompleteSetup>::new();
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    view! {
        <Title text="First-run setup · Switchboard" />
        <section class="auth-card card">
            <h1>"Create the owner account"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Checking…"</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(true) => view! {
                            <p class="muted">
                                "The owner manages apps, members and security settings. Use the link from the server log: its token works once."
                            </p>
                            <ActionForm action=setup attr:class="form" attr:id="setup-form">
                                <input type="hidden" name="token" value=token />
                                <label>"Name" <input type="text" name="name" required autocomplete="name" /></label>
                                <label>"Email" <input type="email" name="email" required autocomplete="username" /></label>
                                <label>
                                    "Password"
                                    <input
                                        type="password"
                                        name="password"
                                        required
                                        minlength=PASSWORD_MIN_CHARS
                                        maxlength=PASSWORD_MAX_CHARS
                                        autocomplete="new-password"
                                    />
                                    <small class="muted">{format!("{PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters; a passphrase is best.")}</small>
                                </label>
                                <button class="button" type="submit">"Create owner and sign in"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Ok(false) => view! {
                            <p>"Setup is done: an account exists."</p>
                            <p><a class="button" href="/login">"Sign in"</a></p>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            {move || setup.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        </section>
    }
}
