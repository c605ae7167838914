//! Progress of long commands (`import`, `export`, `audit`, the first-start load): a bar on a
//! terminal, and a plain line every ten seconds when standard error is piped or logged, so a
//! long run is never silent until its last line. Log lines written while a bar is shown are
//! printed above it ([`LogWriter`]), never through it.

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike, WeakProgressBar};

/// How often a piped run prints a line.
const LINE_EVERY: Duration = Duration::from_secs(10);

/// The bar on screen, if any: log lines are printed above it.
static SHOWN: Mutex<Option<WeakProgressBar>> = Mutex::new(None);

/// A bar for `len` items (a spinner when unknown) drawn with `template` (indicatif's syntax), or
/// a hidden one when `show` is off. On a terminal it is drawn in place; otherwise its state is
/// printed as a line every ten seconds.
pub fn bar(show: bool, len: Option<u64>, template: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let target = if io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::term_like_with_hz(Box::new(Lines::default()), 1)
    };
    let b = ProgressBar::with_draw_target(len, target);
    b.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "),
    );
    if let Ok(mut shown) = SHOWN.lock() {
        *shown = Some(b.downgrade());
    }
    b
}

/// A draw target for a pipe: keeps the newest rendering of the bar and writes it as one line at
/// most every [`LINE_EVERY`] (the first after ten seconds, so short runs print nothing).
#[derive(Debug)]
struct Lines {
    state: Mutex<(String, Instant)>,
}

impl Default for Lines {
    fn default() -> Self {
        Self { state: Mutex::new((String::new(), Instant::now())) }
    }
}

impl TermLike for Lines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.write_str(s)
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        let mut state = self.state.lock().map_err(|_| io::Error::other("progress lock"))?;
        if !s.trim().is_empty() {
            state.0 = s.trim_end().to_owned();
        }
        Ok(())
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        let mut state = self.state.lock().map_err(|_| io::Error::other("progress lock"))?;
        if state.1.elapsed() >= LINE_EVERY && !state.0.is_empty() {
            let line = std::mem::take(&mut state.0);
            state.1 = Instant::now();
            writeln!(io::stderr().lock(), "{line}")?;
        }
        Ok(())
    }
}

/// Standard error for `tracing`: a line logged while a bar is on screen is printed above the bar
/// (the bar is cleared, the line written, the bar redrawn), so logs never land on the bar's line.
#[derive(Debug, Default, Clone, Copy)]
pub struct LogWriter;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogLine;
    fn make_writer(&'a self) -> Self::Writer {
        LogLine(Vec::new())
    }
}

/// One log record, written out when dropped.
#[derive(Debug)]
pub struct LogLine(Vec<u8>);

impl Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let shown = SHOWN.lock().ok().and_then(|s| s.as_ref().and_then(WeakProgressBar::upgrade));
        let write = || {
            let _ = io::stderr().lock().write_all(&self.0);
        };
        match shown {
            Some(b) if !b.is_finished() && !b.is_hidden() => b.suspend(write),
            _ => write(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piped_bar_keeps_its_newest_line_until_ten_seconds_have_passed() {
        let lines = Lines::default();
        lines.write_str("[=>  ] 1/4 lines").expect("write");
        lines.write_str("[==> ] 2/4 lines").expect("write");
        lines.flush().expect("flush");
        assert_eq!(lines.state.lock().expect("lock").0, "[==> ] 2/4 lines", "not printed before ten seconds");
        lines.state.lock().expect("lock").1 = Instant::now() - LINE_EVERY;
        lines.flush().expect("flush");
        assert_eq!(lines.state.lock().expect("lock").0, "", "printed (and taken) once ten seconds have passed");
    }
}
