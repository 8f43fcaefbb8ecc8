//! A standalone fake ElevenLabs: point `ELEVENLABS_BASE_URL` at it.

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "FAKE_ELEVENLABS_PORT", default_value_t = 8089)]
    port: u16,
    #[arg(long, env = "ELEVENLABS_API_KEY", default_value = "xi-dev-key")]
    api_key: String,
    /// Agent ids it knows.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "agent-support,agent-sales"
    )]
    agents: Vec<String>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let agents: Vec<&str> = args.agents.iter().map(String::as_str).collect();
    let fake = fakes::FakeElevenLabs::new(&args.api_key, &agents);
    let address = fakes::serve(fake.router(), args.port).await?;
    println!("fake ElevenLabs on http://{address}");
    tokio::signal::ctrl_c().await
}
