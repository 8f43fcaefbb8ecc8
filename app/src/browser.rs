//! Requests the islands send themselves, outside Leptos's server-function client: a plain
//! form sent in the background, and the playground's calls to the JSON API. Browser only.

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why the server refused: the `code` and `message` that both the JSON API's errors and the
/// server functions' carry.
#[derive(Clone, Debug, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

impl Refusal {
    fn unreachable() -> Refusal {
        Refusal {
            code: "NETWORK".to_owned(),
            message: "The server could not be reached.".to_owned(),
        }
    }
}

/// POSTs `body` with `headers`; a response that is not 2xx becomes its [`Refusal`].
pub async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<web_sys::Response, Refusal> {
    let window = web_sys::window().ok_or_else(Refusal::unreachable)?;
    let request_headers = web_sys::Headers::new().map_err(|_| Refusal::unreachable())?;
    for (name, value) in headers {
        let _ = request_headers.set(name, value);
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&request_headers);
    init.set_body(&body.into());
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| Refusal::unreachable())?
        .dyn_into()
        .map_err(|_| Refusal::unreachable())?;
    if response.ok() {
        return Ok(response);
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Err(text
        .and_then(|text| serde_json::from_str::<Refusal>(&text).ok())
        .unwrap_or_else(|| Refusal {
            code: format!("HTTP {}", response.status()),
            message: "The server could not do this.".to_owned(),
        }))
}
