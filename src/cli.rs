//! The `maslikhat` command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::auth::{KeyRing, Role, TokenPolicy};
use crate::config::Settings;

/// Publish and audit the records of Kazakhstan's local councils.
#[derive(Debug, Parser)]
#[command(name = "maslikhat", version, about)]
pub struct Cli {
    /// A TOML settings file (default: ./maslikhat.toml when present).
    #[arg(long, global = true, env = "MASLIKHAT_CONFIG")]
    pub config: Option<PathBuf>,
    /// The command; `serve` when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The database to open, shared by every command that opens one.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// A `sqlite://FILE` or `postgres://…` URL (default: the embedded SQLite file from settings).
    #[arg(long)]
    pub database: Option<String>,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default command).
    Serve {
        /// Address and port to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        #[command(flatten)]
        db: DbArgs,
        /// Load a small, clearly labelled synthetic sample (4 councils) when the database has no
        /// councils, before serving.
        #[arg(long, conflicts_with = "no_demo")]
        demo: bool,
        /// Do not load the synthetic country into an empty embedded database on first start.
        #[arg(long)]
        no_demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write the OpenAPI document.
    Openapi {
        /// Where to write it (`-` for standard output).
        #[arg(long, default_value = "openapi/openapi.json")]
        out: PathBuf,
    },
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Issue and revoke tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage the workspace's publisher accounts (people who publish in the browser).
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Check a server's log from outside: checkpoint signature and consistency, every document's
    /// hash and inclusion, and that served votes match the logged records. Exits non-zero on
    /// any failure.
    Verify {
        /// The server's base URL.
        #[arg(long)]
        server: String,
        /// The C2SP verifier key to pin (default: the one remembered, else the server's on first use).
        #[arg(long)]
        key: Option<String>,
        /// Where to remember the pinned key and last checkpoint.
        #[arg(long, default_value = "maslikhat-verify.json")]
        state: PathBuf,
        /// Check only this council's documents.
        #[arg(long)]
        council: Option<String>,
        /// A witness's `cosignature/v1` verifier key (repeat the option for several).
        #[arg(long = "witness", value_name = "VKEY")]
        witnesses: Vec<String>,
        /// Refuse a checkpoint without this many valid cosignatures from the `--witness` keys.
        #[arg(long, default_value_t = 0)]
        quorum: usize,
    },
    /// Run or set up a witness of transparency logs (C2SP tlog-witness): it cosigns a log's
    /// checkpoints only while each is consistent with the last one it saw.
    Witness {
        #[command(subcommand)]
        command: WitnessCommand,
    },
    /// The operator's check: recompute every leaf and the root from the stored versions, derive
    /// every served row from the logged documents and compare it with the stored row, column by
    /// column (changed, missing, extra). Exits non-zero on any difference.
    Audit {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Recreate every normalized table from the stored document versions.
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load the synthetic country (223 councils, every record marked synthetic) through the
    /// publication path. The same seed, scale and end date give the same database, log root included.
    Demo {
        /// Multiplies the number of sessions (about 8 a year per council at scale 1).
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The last day of invented history (default: yesterday in Kazakhstan).
        #[arg(long)]
        until: Option<chrono::NaiveDate>,
        /// Only these councils (repeat the option; parents must be listed or already stored).
        #[arg(long)]
        council: Vec<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write every stored document version as JSON Lines, in change order; or, with `--popolo`,
    /// one council as Popolo JSON; or, with `--csv DIR`, the CSV package (one file per table).
    Export {
        /// The file to write (`-` for standard output).
        #[arg(long, short = 'o', required_unless_present = "csv")]
        out: Option<PathBuf>,
        /// Only this council's documents (with the parties and parent council they need).
        #[arg(long, required_if_eq("popolo", "true"))]
        council: Option<String>,
        /// Write the council (`--council`) as Popolo JSON instead of JSON Lines.
        #[arg(long, conflicts_with = "csv")]
        popolo: bool,
        /// Write the CSV package (councils, deputies, mandates, party memberships, sessions,
        /// agenda items, vote events, ballots, speeches) into this directory instead.
        #[arg(long, value_name = "DIR", conflicts_with = "out")]
        csv: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Publish the current version of every document in a JSON Lines file (as written by
    /// `export`) through the publication path; refused lines are reported with their numbers.
    Import {
        /// The JSON Lines file.
        #[arg(
            required_unless_present_any = ["oparl", "popolo", "public_records"],
            conflicts_with_all = ["oparl", "popolo", "public_records"]
        )]
        file: Option<PathBuf>,
        /// Import a Popolo JSON file instead (persons, organizations, memberships, legislative
        /// periods, vote events), as one council with provenance `public_sources`.
        #[arg(long, value_name = "FILE", conflicts_with = "oparl")]
        popolo: Option<PathBuf>,
        /// With `--popolo`: EveryPolitician's `names.csv` with more spellings of each name
        /// (default: `names.csv` beside the file, when present).
        #[arg(long, value_name = "CSV", requires = "popolo")]
        names: Option<PathBuf>,
        /// Import an OParl 1.0/1.1 body instead, as one council (provenance `public_sources`): from
        /// a directory of its cached JSON pages, or from a live server (the http(s) URL of its
        /// system or of one body). Refused documents and objects left out are reported with reasons.
        #[arg(long, value_name = "DIR|URL")]
        oparl: Option<PathBuf>,
        /// With `--oparl` or `--popolo`: the council id (default: derived from the body's or
        /// legislature's id or name).
        #[arg(long)]
        council_id: Option<String>,
        /// Import real records compiled from public sources instead (the format of
        /// `data/public-records/sessions.json`), each as a `public_record` with provenance
        /// `public_sources`; refused records are reported with the paths of their faults.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["oparl", "popolo"])]
        public_records: Option<PathBuf>,
        /// Replace documents that exist with other content (otherwise such lines are refused).
        #[arg(long)]
        replace: bool,
        /// Store every document that passes and report the others. Without it a file with any
        /// refused document stores nothing: each import is all or nothing per file.
        #[arg(long)]
        continue_on_error: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a new Ed25519 signing key; the newest key signs, all keys verify.
    Generate,
    /// List the keys with their ids and public halves.
    List,
}

/// Witness commands.
#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Serve `POST /add-checkpoint` for the logs named by `--log`.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:7380", env = "MASLIKHAT_WITNESS_BIND")]
        bind: std::net::SocketAddr,
        /// The witness's private key (from `maslikhat witness keys generate`).
        #[arg(long, default_value = "data/witness.key", env = "MASLIKHAT_WITNESS_KEY")]
        key: PathBuf,
        /// Its own SQLite database: the latest checkpoint of each log, and refused requests.
        #[arg(long, default_value = "sqlite://data/witness.sqlite?mode=rwc", env = "MASLIKHAT_WITNESS_DATABASE")]
        database: String,
        /// A log to witness, as its verifier key (the key name is the log's origin); repeat the
        /// option for several logs or keys.
        #[arg(long = "log", value_name = "VKEY", required = true)]
        logs: Vec<String>,
    },
    /// Manage the witness's key.
    Keys {
        #[command(subcommand)]
        command: WitnessKeysCommand,
    },
}

/// Witness key commands.
#[derive(Debug, Subcommand)]
pub enum WitnessKeysCommand {
    /// Generate an Ed25519 witness key and print its `cosignature/v1` verifier key (what logs
    /// and verifiers configure).
    Generate {
        /// The witness's name, a schema-less URL such as `witness.example.kz/w1`.
        #[arg(long)]
        name: String,
        /// Where to write the private key (never over an existing file).
        #[arg(long, default_value = "data/witness.key")]
        key: PathBuf,
    },
}

/// Workspace account commands. Each prints a one-time sign-in link (valid for `--link-lifetime`).
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account: `admin`, `council` (with `--council`) or `monitor`.
    Create {
        /// The person's name.
        #[arg(long)]
        name: String,
        /// admin, council or monitor.
        #[arg(long)]
        kind: String,
        /// For council accounts: the council it publishes for.
        #[arg(long)]
        council: Option<String>,
        /// How long the sign-in link works (`24h`, `7d`).
        #[arg(long, default_value = "24h", value_parser = parse_lifetime)]
        link_lifetime: chrono::Duration,
        /// The server's public base URL, to print the whole link.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A new one-time sign-in link for an account (the previous one stops working).
    Link {
        /// The account's id.
        id: String,
        /// How long the sign-in link works.
        #[arg(long, default_value = "24h", value_parser = parse_lifetime)]
        link_lifetime: chrono::Duration,
        /// The server's public base URL.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke an account: its sessions end at once.
    Revoke {
        /// The account's id.
        id: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Token commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and print it.
    Issue {
        /// `admin` or `publisher`.
        #[arg(long, value_enum)]
        role: Role,
        /// The council a publisher writes for (required for publishers).
        #[arg(long)]
        council: Option<String>,
        /// Lifetime, e.g. `30d`, `12h`, `90m` (default 30d).
        #[arg(long, default_value = "30d", value_parser = parse_lifetime)]
        lifetime: chrono::Duration,
        /// Who the token is for (recorded as the publisher of each version).
        #[arg(long, default_value = "cli")]
        subject: String,
    },
    /// Revoke a token by its `jti` (or pass the whole token).
    Revoke {
        /// The token id, or the token itself.
        jti: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Parses a lifetime: `30d`, `12h`, `90m`, `45s`, or several units together (`1h 30m`), as
/// humantime reads them; positive and at most ten years.
pub fn parse_lifetime(s: &str) -> Result<chrono::Duration, String> {
    const MAX: std::time::Duration = std::time::Duration::from_secs(3650 * 24 * 3600);
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("'{s}' is not a lifetime such as 30d, 12h or 90m ({e})"))?;
    if d.is_zero() || d > MAX {
        return Err(format!("'{s}': the lifetime must be positive and at most ten years (3650d)"));
    }
    chrono::Duration::from_std(d).map_err(|e| format!("'{s}': {e}"))
}

fn with_db(mut settings: Settings, db: &DbArgs) -> Settings {
    if let Some(url) = &db.database {
        settings.database_url = Some(url.clone().into());
    }
    settings
}

/// Runs the parsed command.
#[expect(
    clippy::too_many_lines,
    reason = "one match arm per command, each a few lines that call into the module doing the work"
)]
pub async fn run(cli: Cli, settings: Settings) -> anyhow_like::Result {
    let command = cli.command.unwrap_or(Command::Serve {
        bind: None,
        db: DbArgs { database: None },
        demo: false,
        no_demo: false,
    });
    match command {
        Command::Serve { bind, db, demo, no_demo } => {
            let mut settings = with_db(settings, &db);
            if let Some(b) = bind {
                settings.bind = b;
            }
            let embedded_default = settings.database_url.is_none();
            let app = crate::startup::Application::build(settings).await?;
            if demo {
                let loaded = crate::demo::load_sample(&app.state()).await?;
                if loaded {
                    tracing::info!("loaded the synthetic sample (every record is marked synthetic)");
                }
            } else if !no_demo
                && embedded_default
                && let Some(due) = crate::demo::first_start_due(&app.state().service.db).await?
            {
                let db = app.state().service.db.clone();
                tokio::spawn(async move { crate::demo::first_start(&db, due).await });
            }
            tracing::info!(port = app.port(), "listening; API docs at /docs, spec at /openapi.json");
            app.run_until(crate::startup::shutdown_signal()).await?;
        }
        Command::Migrate { db } => {
            let settings = with_db(settings, &db);
            crate::startup::open_database(&settings).await?;
            println!("migrations applied");
        }
        Command::Openapi { out } => {
            let spec = crate::api::spec_json();
            if out.as_os_str() == "-" {
                println!("{spec}");
            } else {
                if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&out, format!("{spec}\n"))?;
                println!("wrote {}", out.display());
            }
        }
        Command::Keys { command: KeysCommand::Generate } => {
            let kid = KeyRing::generate(&settings.keys_dir)?;
            println!("generated key {kid} in {}", settings.keys_dir.display());
        }
        Command::Keys { command: KeysCommand::List } => {
            let ring = KeyRing::load(&settings.keys_dir)?;
            for k in ring.all() {
                println!("{}\tEd25519\t{}", k.kid, crate::auth::public_x(k));
            }
        }
        Command::Token { command: TokenCommand::Issue { role, council, lifetime, subject } } => {
            if role == Role::Publisher && council.is_none() {
                return Err("a publisher token needs --council".into());
            }
            let ring = KeyRing::load(&settings.keys_dir)?;
            let policy =
                TokenPolicy { issuer: settings.token_issuer.clone(), audience: settings.token_audience.clone() };
            let (token, claims) =
                crate::auth::issue(&ring, &policy, &subject, role, council, lifetime).map_err(|_| {
                    format!("no signing key in {}; run `maslikhat keys generate`", settings.keys_dir.display())
                })?;
            eprintln!(
                "jti {} expires {}",
                claims.jti,
                chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or_default()
            );
            println!("{token}");
        }
        Command::Verify { server, key, state, council, witnesses, quorum } => {
            let opts = crate::verify::VerifyOptions { server, key, state_file: state, council, witnesses, quorum };
            let report = crate::verify::run(&opts).await?;
            for line in &report.lines {
                println!("{line}");
            }
            if !report.failures.is_empty() {
                return Err(format!("verification failed: {} problem(s)", report.failures.len()).into());
            }
            println!("verified");
        }
        Command::Witness { command } => witness(command).await?,
        Command::Account { command } => account(command, settings).await?,
        Command::Audit { db } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let started = std::time::Instant::now();
            let mut out = AuditPrinter::new();
            let summary = crate::store::audit::audit_with(&conn, &mut out).await?;
            out.bar.finish_and_clear();
            let rows: u64 = summary.rows.values().sum();
            let per_table = summary.rows.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", ");
            println!(
                "checked {} log entries and {} documents; compared {rows} rows ({per_table}) in {:.1} s",
                summary.entries,
                summary.documents,
                started.elapsed().as_secs_f64()
            );
            if summary.findings > 0 {
                return Err(format!("audit found {} difference(s)", summary.findings).into());
            }
            println!("no differences: every served row is what the log says");
        }
        Command::Demo { scale, seed, until, council, db } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let until = until.unwrap_or_else(crate::demo::default_until);
            let mut cfg = crate::demo::DemoConfig::national(seed, scale, until);
            cfg.councils = (!council.is_empty()).then_some(council);
            let started = std::time::Instant::now();
            let r = crate::demo::load(&conn, &cfg, true).await?;
            println!(
                "synthetic country (seed {seed}, scale {scale}, until {until}): {} councils, {} session records; \
                 {} documents stored, {} unchanged, in {:.1}s",
                r.councils,
                r.sessions,
                r.created,
                r.unchanged,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Export { csv: Some(dir), council, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            for (table, n) in crate::interchange::csv::csv_package(&conn, &dir, council.as_deref(), true).await? {
                eprintln!("{table}.csv: {n} rows");
            }
        }
        Command::Export { out: Some(out), council: Some(council), popolo: true, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let c = crate::interchange::popolo::popolo_file(&conn, &council, &out, out.as_os_str() != "-").await?;
            eprintln!(
                "Popolo export of {council}: {} organizations, {} persons, {} memberships, {} events, {} vote events, \
                 {} speeches",
                c.organizations, c.persons, c.memberships, c.events, c.vote_events, c.speeches
            );
        }
        Command::Export { out, council, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let out = out.ok_or("name the file to write with --out")?;
            let n = if out.as_os_str() == "-" {
                let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                // The progress goes to standard error, apart from the lines on standard output.
                crate::interchange::jsonl::export(&conn, &mut w, council.as_deref(), true).await?
            } else {
                let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
                crate::interchange::jsonl::export(&conn, &mut w, council.as_deref(), true).await?
            };
            eprintln!("exported {n} document versions");
        }
        Command::Import { public_records: Some(file), replace, continue_on_error, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let opts = crate::interchange::public_records::ImportOptions { replace, continue_on_error };
            let r = crate::interchange::public_records::import_file(&conn, &file, &opts)
                .await
                .map_err(|e| e.to_string())?;
            for f in &r.refused {
                println!("refused record {} ({}): {}", f.index, f.id.as_deref().unwrap_or("no id"), f.reason);
            }
            println!(
                "{} public records of {} councils: {} stored, {} unchanged, {} refused",
                r.records,
                r.councils,
                r.stored,
                r.unchanged,
                r.refused.len()
            );
            refused_outcome(r.kept, r.refused.len(), "record(s)", "file")?;
        }
        Command::Import { popolo: Some(file), names, council_id, replace, continue_on_error, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let opts = crate::interchange::popolo::import::PopoloOptions {
                council_id,
                names,
                replace,
                continue_on_error,
                progress: true,
            };
            let r = crate::interchange::popolo::import::import_file(&conn, &file, &opts).await?;
            for w in &r.warnings {
                eprintln!("warning: {w}");
            }
            for f in &r.refused {
                println!("refused {} {}: {}", f.kind, f.id, f.reason);
            }
            println!(
                "Popolo legislature imported as council {} ({}, {} seats): {} parties, {} deputies, {} session records \
                 with {} vote events; {} documents stored, {} unchanged, {} refused",
                r.council_id,
                r.level,
                r.seats,
                r.parties,
                r.deputies,
                r.sessions,
                r.vote_events,
                r.stored,
                r.unchanged,
                r.refused.len()
            );
            refused_outcome(r.kept, r.refused.len(), "document(s)", "file")?;
        }
        Command::Import { oparl: Some(dir), council_id, replace, continue_on_error, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let opts = crate::interchange::oparl::import::OparlOptions {
                council_id,
                replace,
                now: chrono::Utc::now(),
                continue_on_error,
            };
            let r = crate::interchange::oparl::import::import_source(&conn, &dir.to_string_lossy(), &opts).await?;
            for w in &r.warnings {
                eprintln!("warning: {w}");
            }
            for f in &r.refused {
                println!("refused {} {} (from {}): {}", f.kind, f.id, f.source, f.reason);
            }
            let t = |name: &str, t: crate::interchange::oparl::import::Tally| {
                println!("{name}: {} stored, {} unchanged, {} refused", t.stored, t.unchanged, t.refused)
            };
            println!("OParl body imported as council {}", r.council_id);
            t("councils", r.councils);
            t("parties", r.parties);
            t("deputies", r.deputies);
            t("sessions", r.sessions);
            t("agenda items", r.agenda_items);
            println!("commissions: {}; papers: {}; documents: {}", r.commissions, r.papers, r.documents);
            let mut left_out: std::collections::BTreeMap<(&str, &str), u64> = std::collections::BTreeMap::new();
            for s in &r.skipped {
                *left_out.entry((s.kind.as_str(), s.reason.as_str())).or_default() += 1;
            }
            for ((kind, reason), n) in left_out {
                println!("left out {n} {kind}: {reason}");
            }
            refused_outcome(r.kept, r.refused.len(), "document(s)", "dump")?;
        }
        Command::Import { file, replace, continue_on_error, db, .. } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let file = file.ok_or("name a JSON Lines file, or --oparl DIR")?;
            let r = crate::interchange::jsonl::import(&conn, &file, replace, continue_on_error, true).await?;
            for f in &r.refused {
                println!("line {}: {}", f.line, f.reason);
            }
            println!(
                "{} lines: {} versions stored, {} already stored, {} refused",
                r.lines,
                r.created,
                r.unchanged,
                r.refused.len()
            );
            refused_outcome(r.kept, r.refused.len(), "line(s)", "file")?;
        }
        Command::Rebuild { db } => {
            let settings = with_db(settings, &db);
            let conn = crate::startup::open_database(&settings).await?;
            let n = crate::store::rebuild::rebuild(&conn).await?;
            println!("rebuilt the normalized tables from {n} document versions");
        }
        Command::Token { command: TokenCommand::Revoke { jti, reason, db } } => {
            let settings = with_db(settings, &db);
            // Accept a whole token too: take its jti without trusting anything else in it.
            let jti =
                if jti.matches('.').count() == 2 { jti_of(&jti).ok_or("that token has no readable jti")? } else { jti };
            let conn = crate::startup::open_database(&settings).await?;
            crate::store::tokens::revoke(&conn, &jti, reason).await?;
            println!("revoked {jti}");
        }
    }
    Ok(())
}

/// `maslikhat account …`.
async fn account(command: AccountCommand, settings: Settings) -> anyhow_like::Result {
    use crate::store::accounts::{self, AccountKind};
    let link = |base: &str, token: &str| format!("{}/publish/sign-in?token={token}", base.trim_end_matches('/'));
    match command {
        AccountCommand::Create { name, kind, council, link_lifetime, base_url, db } => {
            let kind = AccountKind::parse(&kind).ok_or("--kind must be admin, council or monitor")?;
            let conn = crate::startup::open_database(&with_db(settings, &db)).await?;
            let (a, token) = accounts::create_account(&conn, &name, kind, council.as_deref(), link_lifetime).await?;
            eprintln!("created account {} ({})", a.id, a.kind.as_str());
            println!("{}", link(&base_url, &token));
        }
        AccountCommand::Link { id, link_lifetime, base_url, db } => {
            let conn = crate::startup::open_database(&with_db(settings, &db)).await?;
            let token = accounts::new_sign_in(&conn, &id, link_lifetime).await?;
            println!("{}", link(&base_url, &token));
        }
        AccountCommand::Revoke { id, db } => {
            let conn = crate::startup::open_database(&with_db(settings, &db)).await?;
            accounts::revoke_account(&conn, &id).await?;
            println!("revoked {id}");
        }
        AccountCommand::List { db } => {
            let conn = crate::startup::open_database(&with_db(settings, &db)).await?;
            for a in accounts::list_accounts(&conn).await? {
                let state = if a.revoked_at.is_some() { "revoked" } else { "active" };
                println!("{}\t{}\t{}\t{}\t{}", a.id, a.kind.as_str(), a.council.unwrap_or_default(), state, a.name);
            }
        }
    }
    Ok(())
}

/// `maslikhat witness …`.
async fn witness(command: WitnessCommand) -> anyhow_like::Result {
    use crate::witness::server::{WitnessConfig, WitnessServer, generate_key};
    match command {
        WitnessCommand::Keys { command: WitnessKeysCommand::Generate { name, key } } => {
            let vkey = generate_key(&name, &key)?;
            eprintln!("wrote the witness key to {}", key.display());
            println!("{vkey}");
        }
        WitnessCommand::Serve { bind, key, database, logs } => {
            let server = WitnessServer::build(&WitnessConfig { bind, key_file: key, database, logs }).await?;
            tracing::info!(port = server.port(), verifier_key = %server.verifier_key(), "witness listening");
            server.run_until(crate::startup::shutdown_signal()).await?;
        }
    }
    Ok(())
}

/// Prints `audit`'s findings as they come, with a progress bar on a terminal and a line every
/// ten seconds when the output is piped.
struct AuditPrinter {
    bar: indicatif::ProgressBar,
    tty: bool,
    last: std::time::Instant,
    findings: u64,
}

impl AuditPrinter {
    fn new() -> Self {
        use std::io::IsTerminal;
        let tty = std::io::stderr().is_terminal();
        // Piped, it prints its own line with the count of differences (below) instead of the bar's.
        let bar =
            crate::progress::bar(tty, Some(0), "{elapsed_precise} [{bar:40}] {pos}/{len} entries and documents {msg}");
        Self { bar, tty, last: std::time::Instant::now(), findings: 0 }
    }
}

impl crate::store::audit::Sink for AuditPrinter {
    fn finding(&mut self, f: crate::store::audit::Finding) {
        self.findings += 1;
        self.bar.set_message(format!("{} difference(s)", self.findings));
        self.bar.suspend(|| println!("DIFFERENCE {f}"));
    }

    fn progress(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if !self.tty && (self.last.elapsed().as_secs() >= 10 || done == total) {
            self.last = std::time::Instant::now();
            eprintln!("audit: {done}/{total} entries and documents checked, {} difference(s)", self.findings);
        }
    }
}

fn jti_of(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes).ok()?.get("jti")?.as_str().map(str::to_owned)
}

/// A boxed error for the command line: every error type here only needs to be printed.
/// The end of an import that is all or nothing per `unit` (file or dump): an error when any
/// `what` was refused, saying whether the rest was discarded (`kept` false) or stored.
fn refused_outcome(kept: bool, refused: usize, what: &str, unit: &str) -> anyhow_like::Result {
    match (kept, refused) {
        (_, 0) => Ok(()),
        (false, n) => Err(format!(
            "{n} {what} refused; nothing was stored (the {unit} is all or nothing; \
             --continue-on-error stores the rest)"
        )
        .into()),
        (true, n) => Err(format!("{n} {what} refused").into()),
    }
}

pub mod anyhow_like {
    /// Any error, printed by `main`.
    pub type Error = Box<dyn std::error::Error + Send + Sync>;
    /// The result of a command.
    pub type Result = std::result::Result<(), Error>;
}

#[cfg(test)]
mod tests {
    use super::parse_lifetime;

    #[test]
    fn lifetimes_are_read_with_their_units_and_bounded() {
        assert_eq!(parse_lifetime("30d"), Ok(chrono::Duration::days(30)));
        assert_eq!(parse_lifetime("12h"), Ok(chrono::Duration::hours(12)));
        assert_eq!(parse_lifetime("1h 30m"), Ok(chrono::Duration::minutes(90)));
        assert_eq!(parse_lifetime("3650d"), Ok(chrono::Duration::days(3650)));
        for bad in ["", "30", "0s", "-1h", "3651d", "100000d", "12x", "h"] {
            let e = parse_lifetime(bad).expect_err(bad);
            assert!(e.contains(&format!("'{bad}'")), "{bad}: {e}");
        }
    }
}
