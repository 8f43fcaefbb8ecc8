//! `switchboard` (this package's `server` binary): see `server --help`.

use std::process::ExitCode;

use clap::Parser;
use server::config::Cli;
use server::http::error::ErrorChain;

/// glibc's allocator took about a tenth of the server's CPU under load (the voice bench);
/// with mimalloc, CPU per session with its webhook fell from 0.73 to 0.65 ms.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A missing `.env` is normal; a malformed one is worth stopping for.
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("switchboard: cannot read .env: {err}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    // Before the runtime: the trace exporter's thread must not be stopped from inside it.
    let telemetry = match server::telemetry::init(&cli.config) {
        Ok(telemetry) => telemetry,
        Err(err) => {
            eprintln!("switchboard: {err}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("switchboard: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(server::run(cli));
    drop(runtime);
    telemetry.shutdown();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("switchboard: {}", ErrorChain(&err));
            ExitCode::FAILURE
        }
    }
}
