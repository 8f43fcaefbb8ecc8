//! Fakes at the network boundary: real HTTP servers on loopback that record what they are sent.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use tokio::net::TcpListener;

/// One request a fake received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// How the fake answers the n-th request (0-based).
pub type Responder = Arc<dyn Fn(usize, &Received) -> (StatusCode, String) + Send + Sync>;

/// An HTTP server recording every request and answering through `responder`.
pub struct FakeServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl FakeServer {
    pub async fn start(responder: Responder) -> FakeServer {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = received.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let log = log.clone();
                let responder = responder.clone();
                async move {
                    let request = Received {
                        method,
                        uri,
                        headers,
                        body,
                    };
                    let index = {
                        let mut log = log.lock().unwrap();
                        log.push(request.clone());
                        log.len() - 1
                    };
                    let (status, body) = responder(index, &request);
                    (status, [("content-type", "application/json")], body).into_response()
                }
            },
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeServer { url, received }
    }

    /// Answers 200 with `body` to everything.
    pub async fn answering(body: &'static str) -> FakeServer {
        Self::start(Arc::new(move |_, _| (StatusCode::OK, body.to_owned()))).await
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Checks `t=<ms>,v1=<hex>` against the body with the signing secret, as a receiver would.
pub fn signature_is_valid(secret: &str, header: &str, body: &[u8]) -> bool {
    let Some((t, v1)) = header.split_once(",v1=") else {
        return false;
    };
    let Some(timestamp) = t.strip_prefix("t=").and_then(|t| t.parse::<i64>().ok()) else {
        return false;
    };
    domain::platform::outbound::signature(secret, timestamp, body)
        == format!("t={timestamp},v1={v1}")
}
