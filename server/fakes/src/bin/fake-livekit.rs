//! A standalone fake LiveKit: point `LIVEKIT_URL` at it to try voice sessions without a
//! LiveKit server. Agents "join" when dispatched, via signed webhooks to `--webhook-url`.

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "FAKE_LIVEKIT_PORT", default_value_t = 7880)]
    port: u16,
    #[arg(long, env = "LIVEKIT_API_KEY", default_value = "devkey")]
    api_key: String,
    #[arg(
        long,
        env = "LIVEKIT_API_SECRET",
        default_value = "devsecret-devsecret-devsecret-00"
    )]
    api_secret: String,
    /// Where to send webhooks, e.g. http://127.0.0.1:3000/api/livekit/webhook.
    #[arg(long, env = "FAKE_LIVEKIT_WEBHOOK_URL")]
    webhook_url: Option<String>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let fake = fakes::FakeLivekit::new(&args.api_key, &args.api_secret, args.webhook_url);
    let address = fakes::serve(fake.router(), args.port).await?;
    println!("fake LiveKit on http://{address} (key {})", args.api_key);
    tokio::signal::ctrl_c().await
}
