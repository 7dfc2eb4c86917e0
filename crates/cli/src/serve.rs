//! `sanlian serve`: the HTTP service and the planners' web page (crate sanlian-server).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Failure;

/// Arguments of `sanlian serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on. The default serves this machine only; give 0.0.0.0:PORT to
    /// serve the network (there is no login: put it behind one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite database for instances, plans and jobs (created when missing).
    #[arg(long, default_value = "sanlian.db")]
    db: PathBuf,
    /// Jobs (solves, re-plans, scenario runs) that run at the same time.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Jobs that may wait for a worker; beyond this, submissions get 503 and Retry-After.
    #[arg(long, default_value_t = 64)]
    queue: usize,
    /// Largest request body, bytes (uploads of instances, plans, rosters).
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    body_limit: usize,
    /// A host name the service answers to besides 127.0.0.1, localhost and ::1 (repeatable;
    /// requests naming any other Host are refused, against DNS rebinding).
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
}

/// Run `sanlian serve` until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> Result<(), Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if args.workers == 0 || args.workers > 4 * cores {
        return Err(Failure::input(format!(
            "--workers {}: must lie between 1 and {} (4 × the machine's cores)",
            args.workers,
            4 * cores
        )));
    }
    if args.queue == 0 || args.queue > 10_000 {
        return Err(Failure::input(format!("--queue {}: must lie between 1 and 10000", args.queue)));
    }
    if !(1024..=1 << 30).contains(&args.body_limit) {
        return Err(Failure::input(format!("--body-limit {}: must lie between 1024 bytes and 1 GiB", args.body_limit)));
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
    let config = sanlian_server::Config {
        addr: args.addr,
        db: args.db,
        workers: args.workers,
        queue: args.queue,
        body_limit: args.body_limit,
        allowed_hosts: args.allowed_hosts,
        ..sanlian_server::Config::default()
    };
    sanlian_server::run(config).map_err(|e| Failure { code: 1, message: e.to_string() })
}
