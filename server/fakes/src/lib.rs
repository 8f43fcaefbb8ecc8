//! Fakes of the services Switchboard calls, speaking their real wire protocols. Tests run them
//! in process; the `fake-livekit` and `fake-elevenlabs` binaries run them standalone, so the
//! product can be tried without credentials.

pub mod elevenlabs;
pub mod livekit;

pub use elevenlabs::FakeElevenLabs;
pub use livekit::{FakeLivekit, RecordedCall, participant, sign_webhook, webhook_event};

/// Serves `router` on `127.0.0.1:port` (0 for any free port) in the background; its address.
pub async fn serve(router: axum::Router, port: u16) -> std::io::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::warn!(error = %err, "fake server stopped");
        }
    });
    Ok(address)
}
