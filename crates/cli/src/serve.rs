//! `sanlian serve`: the HTTP service and the planners' web page (crate sanlian-server).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Failure;

/// Arguments of `sanlian serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on. The default serves this machine only; give 0.0.0.0:PORT to
    /// serve the network (with accounts: see `sanlian user`, and put it behind HTTPS).
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
    /// Request bytes held in memory at once over all uploads, each counted twice (its bytes
    /// and the document parsed from them); an upload waits for room (and
    /// gets 503 after 30 s) instead of being read.
    #[arg(long, default_value_t = 128 * 1024 * 1024)]
    upload_budget: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a client may take to send a request's body (408 after).
    #[arg(long, default_value_t = 60)]
    body_timeout: u64,
    /// Counterfactual re-solves one explanation request may make; beyond it the answer is
    /// partial (`partial: true`).
    #[arg(long, default_value_t = 500)]
    max_counterfactuals: usize,
    /// Start with an empty database even though one existed at --db before (its marker
    /// file is beside it). Without this a missing database is an error.
    #[arg(long)]
    init: bool,
    /// Write an online backup of the database into this directory every --backup-every
    /// minutes (the newest 10 are kept).
    #[arg(long, value_name = "DIR")]
    backup_dir: Option<PathBuf>,
    /// Minutes between backups into --backup-dir.
    #[arg(long, default_value_t = 60, requires = "backup_dir")]
    backup_every: u64,
    /// A planner working alone: no accounts and no login, every right, on 127.0.0.1 only.
    /// Without it every request needs a session (create users with `sanlian user add`).
    #[arg(long)]
    single_user: bool,
    /// Hours a login lasts.
    #[arg(long, default_value_t = 12)]
    session_hours: u64,
    /// Mark the session cookie Secure (when the service is reached over HTTPS through a proxy).
    #[arg(long)]
    secure_cookies: bool,
}

/// Arguments of `sanlian user`.
#[derive(clap::Args)]
pub struct UserArgs {
    /// The service's database (created when missing, as `sanlian serve` would).
    #[arg(long, default_value = "sanlian.db", global = true)]
    db: PathBuf,
    #[command(subcommand)]
    command: UserCommand,
}

/// What `sanlian user` does.
#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (one line), never from the command line.
    Add {
        /// Login name.
        name: String,
        /// admin or reviewer (province), planner or viewer (a city: --city), county (--city and --county).
        #[arg(long)]
        role: String,
        /// The city code of a city role or a county viewer.
        #[arg(long)]
        city: Option<String>,
        /// The county code of a county viewer.
        #[arg(long)]
        county: Option<String>,
    },
    /// Set a user's password (read from standard input); its sessions end.
    Passwd {
        /// Login name.
        name: String,
    },
    /// Disable a user: its sessions end and it cannot log in.
    Disable {
        /// Login name.
        name: String,
    },
    /// Enable a disabled user again.
    Enable {
        /// Login name.
        name: String,
    },
    /// List the users (never their hashes).
    List,
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::input(format!("cannot read the password from standard input: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(Failure::input(
            "no password on standard input: give it as one line, e.g. `read -s P; echo \"$P\" | sanlian user add …`",
        ));
    }
    Ok(password)
}

/// `sanlian user add|passwd|disable|enable|list`.
pub fn user(args: UserArgs) -> Result<(), Failure> {
    use sanlian_server::auth::{AccountError, Role};
    let store =
        sanlian_server::Store::open(&args.db).map_err(|e| Failure::input(format!("{}: {e}", args.db.display())))?;
    let failed = |e: AccountError| match e {
        AccountError::Invalid(why) => Failure::input(why),
        AccountError::Store(e) => Failure { code: 1, message: e.to_string() },
    };
    match args.command {
        UserCommand::Add { name, role, city, county } => {
            let role = Role::parse(&role).ok_or_else(|| {
                Failure::input(format!("--role {role}: choose admin, reviewer, planner, viewer or county"))
            })?;
            if let Some(problem) = sanlian_server::auth::name_problem(&name) {
                return Err(Failure::input(problem));
            }
            let password = read_password()?;
            store.add_user(&name, &password, role, city.as_deref(), county.as_deref()).map_err(failed)?;
            eprintln!("user {name} ({}) added to {}", role.as_str(), args.db.display());
        }
        UserCommand::Passwd { name } => {
            let password = read_password()?;
            store.set_password(&name, &password, "cli").map_err(failed)?;
            eprintln!("password of {name} changed; its sessions have ended");
        }
        UserCommand::Disable { name } => {
            store.set_disabled(&name, true, "cli").map_err(failed)?;
            eprintln!("user {name} disabled; its sessions have ended");
        }
        UserCommand::Enable { name } => {
            store.set_disabled(&name, false, "cli").map_err(failed)?;
            eprintln!("user {name} enabled");
        }
        UserCommand::List => {
            let users = store.users().map_err(|e| Failure { code: 1, message: e.to_string() })?;
            for (u, disabled) in users {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    u.name,
                    u.role.as_str(),
                    u.city.as_deref().unwrap_or("-"),
                    u.county.as_deref().unwrap_or("-"),
                    if disabled { "\tdisabled" } else { "" }
                );
            }
        }
    }
    Ok(())
}

/// Arguments of `sanlian backup`.
#[derive(clap::Args)]
pub struct BackupArgs {
    /// The service's database.
    #[arg(long, default_value = "sanlian.db")]
    db: PathBuf,
    /// The copy to write (replaced if it exists).
    #[arg(short, long)]
    output: PathBuf,
}

/// `sanlian backup`: an online copy of the database.
pub fn backup(args: BackupArgs) -> Result<(), Failure> {
    if !args.db.exists() {
        return Err(Failure::input(format!("{}: no such database; give the service's --db", args.db.display())));
    }
    let store = sanlian_server::Store::open_with(&args.db, false).map_err(|e| Failure::input(e.to_string()))?;
    store.backup_to(&args.output).map_err(|e| Failure { code: 1, message: e.to_string() })?;
    eprintln!("backup of {} written to {}", args.db.display(), args.output.display());
    Ok(())
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
    let bounded = |name: &str, v: u64, lo: u64, hi: u64| {
        if (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err(Failure::input(format!("--{name} {v}: must lie between {lo} and {hi}")))
        }
    };
    bounded("upload-budget", args.upload_budget as u64, args.body_limit as u64, 16 << 30)
        .map_err(|f| Failure::input(format!("{} (at least --body-limit, at most 16 GiB)", f.message)))?;
    bounded("header-timeout", args.header_timeout, 1, 600)?;
    bounded("body-timeout", args.body_timeout, 1, 3600)?;
    bounded("max-counterfactuals", args.max_counterfactuals as u64, 1, 100_000)?;
    bounded("backup-every", args.backup_every, 1, 7 * 24 * 60)?;
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
        upload_budget: args.upload_budget,
        header_timeout_seconds: args.header_timeout,
        body_timeout_seconds: args.body_timeout,
        max_counterfactuals: args.max_counterfactuals,
        init: args.init,
        backup_dir: args.backup_dir,
        backup_every: std::time::Duration::from_secs(args.backup_every * 60),
        single_user: args.single_user,
        session_hours: args.session_hours,
        secure_cookies: args.secure_cookies,
        ..sanlian_server::Config::default()
    };
    sanlian_server::run(config).map_err(|e| Failure { code: 1, message: e.to_string() })
}
