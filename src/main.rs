//! The `archivist` binary: parses the command line, sets up logging, runs the command, and maps
//! errors to exit codes (`main` prints them with `{:#}`: the chain of causes, no backtrace).

use clap::Parser;

fn main() {
    let cli = archivist::cli::Cli::parse();
    init_logging();
    let code = match archivist::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    };
    std::process::exit(code);
}

/// Logs go to stderr; `RUST_LOG` overrides the default level (`warn` for the CLI, so a
/// person sees warnings about skipped files and nothing else).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
