//! Atom (RFC 4287) feeds: a council's new sessions, agendas, votes, rosters and corrections
//! (with their reasons), newest first. Entry ids are the log's change numbers, which never
//! change, so a reader sees a correction as a new entry beside the version it corrects.

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::service::follow::{Change, DocKind, Summary};
use crate::web::i18n::Lang;

/// Entries a feed carries.
pub const ENTRIES: u64 = 50;

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A feed's identity and links.
pub struct Feed<'a> {
    /// The public base URL (no trailing slash).
    pub base: &'a str,
    /// The feed's own path (`/councils/x/feed.atom`).
    pub path: String,
    /// The page it follows (`/councils/x`).
    pub page: String,
    /// Its title.
    pub title: String,
    /// The language of its text.
    pub lang: Lang,
}

/// An entry's title and summary in `lang`.
fn describe(lang: Lang, c: &Change) -> (String, String, String) {
    let t = |k: &str| lang.t(k);
    let link = match c.kind {
        DocKind::SessionRecord => format!("/sessions/{}", c.doc_id),
        _ => format!("/councils/{}", c.doc_id),
    };
    let (title, mut summary) = match &c.summary {
        Summary::Session { number, date, agenda, votes } => {
            let head = if c.version == 1 { t("feed_session_new") } else { t("feed_session_updated") };
            let title = format!("{head}: №{number}, {date}");
            let mut s = format!("{}: {agenda}", t("feed_agenda_items"));
            if *votes > 0 {
                let _ = write!(s, "; {}: {votes}", t("feed_votes"));
            }
            (title, s)
        }
        Summary::Roster { deputies } => (t("feed_roster").to_owned(), format!("{}: {deputies}", t("feed_deputies"))),
        Summary::Council | Summary::Other => (t("feed_council").to_owned(), String::new()),
    };
    if let Some(r) = &c.reason {
        if !summary.is_empty() {
            summary.push_str(". ");
        }
        let _ = write!(summary, "{}: {r}", t("feed_reason"));
    }
    let _ = write!(summary, " ({} {})", t("feed_version"), c.version);
    (title, summary, link)
}

/// The whole feed document.
pub fn render(feed: &Feed, changes: &[Change]) -> String {
    let updated = changes.first().map_or_else(|| time(DateTime::<Utc>::UNIX_EPOCH), |c| time(c.received_at));
    let (base, e) = (feed.base, escape);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n<id>{id}</id>\n<title>{title}</title>\n\
         <updated>{updated}</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{id}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n<author><name>maslikhat</name></author>\n",
        lang = feed.lang.code(),
        id = e(&format!("{base}{}", feed.path)),
        title = e(&feed.title),
        page = e(&format!("{base}{}", feed.page)),
    );
    for c in changes {
        let (title, summary, link) = describe(feed.lang, c);
        let _ = write!(
            x,
            "<entry>\n<id>{id}</id>\n<title>{title}</title>\n<updated>{at}</updated>\n<published>{at}</published>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n<category term=\"{kind}\"/>\n\
             <summary>{summary}</summary>\n</entry>\n",
            id = e(&format!("{base}/v1/changes#{}", c.seq)),
            title = e(&title),
            at = time(c.received_at),
            link = e(&format!("{base}{link}")),
            kind = c.kind.as_str(),
            summary = e(&summary),
        );
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    }
}
