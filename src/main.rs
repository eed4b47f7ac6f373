//! The `archivist` binary: parses the command line, sets up logging, runs the command, and maps
//! errors to exit codes (`main` prints them with `{:#}`: the chain of causes, no backtrace).

use clap::Parser;

/// glibc keeps memory freed at the top of its heaps until 128 KB pile up there and then, once
/// large blocks have been freed, raises that threshold as high as 32 MB (and the threshold above
/// which blocks get their own mapping with it). A build makes and frees millions of small
/// strings on several threads: with the default it peaked some 50 MB higher (433 against 382 MB
/// at a million passages). A fixed threshold of 1 MB returns freed memory and stops the raising;
/// the build took no longer. See BENCHMARKS.md, "A build in bounded memory".
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes a tunable of the C allocator; called before any thread.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}

/// A command whose output is piped into a program that stops reading (`archivist ask … | head`)
/// ends quietly, as Unix tools do, instead of panicking on the failed write. Only for commands
/// that print and exit: the bot keeps Rust's default (a closed pipe is an error to handle).
fn quiet_on_closed_pipe() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: restores the default disposition of one signal; called before any thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() {
    return_freed_memory();
    let cli = archivist::cli::Cli::parse();
    // The bot logs one line per interaction; other commands only warnings.
    let serving = matches!(
        cli.command,
        archivist::cli::Command::Serve { .. } | archivist::cli::Command::ServeHttp { .. }
    );
    if !serving {
        quiet_on_closed_pipe();
    }
    init_logging(if serving { "info" } else { "warn" });
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
/// person sees warnings about skipped files and nothing else; `info` for `serve` and `serve-http`).
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
