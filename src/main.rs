//! `maslikhat`: parse the command line, load settings, run the command.

use clap::Parser;
use maslikhat::cli::{self, Cli};
use maslikhat::config::Settings;

/// mimalloc rather than glibc's allocator, which took a quarter to a third of an uncached
/// response's CPU (docs/performance.md). Measured alternately at scale 1 with the response cache
/// off: a council's metrics 3,600-3,800 -> 5,900-6,400 req/s, the council list 1,370-1,390 ->
/// 2,200-2,250, a council page 560-660 -> 780-800; peak RSS 157-159 -> 206-211 MiB under that load.
/// With the crate's `override` feature, `malloc` and `free` are mimalloc's too, so SQLite's own
/// allocations (every value it copies out of a row) no longer go to glibc, which then still took
/// about 38 % of a cold national ranking at scale 10: that ranking 569-854 -> 379 ms, a vote event
/// 5,800-6,200 -> 7,100 req/s uncached (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    maslikhat::telemetry::init(settings.log_format);
    match cli::run(cli, settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks for them (`madvise`) for its
/// arenas, and on a kernel in `madvise` mode each first touch of one then makes the kernel clear
/// 2 MiB, most of which the process never uses: 24-26 % of a cold national ranking at scale 10
/// on a fresh server, and about 40 MB more peak RSS after three cold rankings (160-164 against
/// 121-123 MB; docs/performance.md). The flag is the process's and covers mappings made before
/// it was set (the kernel checks it at each fault). Where it cannot be set, nothing else changes.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::thread::disable_transparent_huge_pages(true) {
        eprintln!("note: transparent huge pages stay on: {e}");
    }
}
