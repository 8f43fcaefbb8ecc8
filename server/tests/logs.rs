//! What the request logs record, captured from the real layers.
//!
//! A test binary of its own: it installs the process-wide subscriber, which tests running on
//! other threads would otherwise race (tracing caches, per process, which log lines are wanted).

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use helpers::TestApp;

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn credentials_in_query_strings_never_reach_a_log_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .json()
        .with_current_span(true)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let path = format!(
        "/api/auth/me?appSlug=my-app&appSecret={}&sessionToken={}",
        tenant.secret, tenant.session_token
    );
    assert_eq!(app.get(&path).await.status, 200);
    let wrong = format!("/api/auth/me?appSlug=my-app&appSecret={}x", tenant.secret);
    assert_eq!(app.get(&wrong).await.status, 401);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("/api/auth/me"), "requests are logged: {logs}");
    assert!(!logs.contains(&tenant.secret), "app secret logged: {logs}");
    assert!(
        !logs.contains(&tenant.session_token),
        "session token logged: {logs}"
    );
}
