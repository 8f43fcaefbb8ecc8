//! `/`: where a visitor starts. Signed in, the first app's Overview; signed out, sign-in.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::server_fns::platform::frame::page_frame;

#[component]
pub fn HomePage() -> impl IntoView {
    let frame = Resource::new(|| (), |()| page_frame(None));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let path = match frame.await {
                    Ok(Some(frame)) => match frame.current {
                        Some(app) => format!("/apps/{}/overview", app.slug),
                        // No app yet: the instance's page says what is configured.
                        None => "/status".to_owned(),
                    },
                    Ok(None) => "/login".to_owned(),
                    Err(_) => "/status".to_owned(),
                };
                view! { <Redirect path /> }
            })}
        </Suspense>
    }
}
