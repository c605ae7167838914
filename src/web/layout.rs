//! The frame of every page: language, header with the language switch, the synthetic-data
//! notice, the link to the same data in the API, the metric method, and the footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::i18n::Lang;

/// What a page needs to know about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The interface language.
    pub lang: Lang,
    /// The request path (the language switch links back to it).
    pub path: String,
    /// The query parameters other than `lang`.
    pub query: Vec<(String, String)>,
    /// True when the request chose the language with `?lang=` (the answer sets the cookie).
    pub chosen: bool,
}

impl Ctx {
    /// Interface text.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// This page in another language.
    pub fn switch_href(&self, lang: Lang) -> String {
        let mut q: Vec<String> = self.query.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        q.push(format!("lang={}", lang.code()));
        format!("{}?{}", self.path, q.join("&"))
    }
}

/// Percent-encodes a query component.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A rendered page's parts.
pub struct Page {
    /// The `<h1>` and `<title>`.
    pub title: String,
    /// The API request that returns the same data.
    pub api: String,
    /// True when any record shown is synthetic.
    pub synthetic: bool,
    /// The page's main content (after the heading).
    pub body: Markup,
    /// The Atom feed that follows what the page shows, linked as `<link rel="alternate">`.
    pub feed: Option<String>,
}

const CSS: &str = r#"
:root{--fg:#1d1d1f;--muted:#555;--bg:#fff;--line:#d0d4da;--accent:#0b5cad;--warn-bg:#fff4d6;--warn:#7a4b00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,select:focus-visible,[tabindex]:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#000;color:#fff;padding:.5em 1em;z-index:10}
.skip:focus{left:0}
header.site{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;justify-content:space-between;padding:.75em 1em;border-bottom:1px solid var(--line);background:#f6f8fa}
header.site .brand{font-weight:700;font-size:1.1em;text-decoration:none;color:var(--fg)}
header.site ul{display:flex;flex-wrap:wrap;gap:.25em 1em;list-style:none;margin:0;padding:0}
header.site a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
main{max-width:1100px;margin:0 auto;padding:1em}
h1{font-size:1.6em;line-height:1.25;margin:.4em 0}
h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
.synthetic{background:var(--warn-bg);color:var(--warn);border:2px solid #e0b64a;padding:.75em 1em;margin:1em auto;max-width:1100px;font-weight:600}
.meta{color:var(--muted);font-size:.9em}
.meta code{word-break:break-all}
.figure{display:grid;grid-template-columns:minmax(0,1fr);gap:1em;align-items:start;margin:.5em 0 1em}
.figure>div:first-child{min-width:0}
@media(min-width:900px){.figure{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
.chart{max-width:min(100%,440px);height:auto;font-family:inherit}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92em}
caption{text-align:left;font-weight:600;padding:.25em 0;color:var(--muted)}
th,td{border-bottom:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:.5em;margin:0;padding:0}
.totals div{border:1px solid var(--line);border-radius:6px;padding:.5em .75em}
.totals dt{color:var(--muted);font-size:.9em}
.totals dd{margin:0;font-size:1.5em;font-weight:700}
.legend{display:flex;flex-wrap:wrap;gap:.25em 1em;list-style:none;padding:0;margin:.25em 0;font-size:.9em}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid #888}
form.filters{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:end;margin:.5em 0}
form.filters label{display:flex;flex-direction:column;font-size:.9em}
select,button{font:inherit;padding:.3em .5em}
select{max-width:100%}
form.filters label{max-width:100%}
pre{background:#f6f8fa;padding:.75em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
ol.agenda{list-style:none;padding-left:0}
.lang-note{color:var(--muted);font-size:.9em}
.vote{border:1px solid var(--line);border-radius:6px;padding:.5em 1em;margin:.75em 0}
.provenance{background:#e8f1fb;color:#123;border:2px solid #8db3e2;padding:.75em 1em;margin:1em 0}
.unknown{color:var(--muted);font-style:italic}
a.url,code.url{overflow-wrap:anywhere;word-break:break-word}
table.coverage th[scope=row]{min-width:11em}
dl.facts{display:grid;grid-template-columns:minmax(0,1fr);gap:.1em 1em;margin:.5em 0}
dl.facts dt{font-weight:600;color:var(--muted)}
dl.facts dd{margin:0 0 .4em}
@media(min-width:700px){dl.facts{grid-template-columns:minmax(9em,16em) minmax(0,1fr)}dl.facts dd{margin:0}}
.log-check{border:1px solid var(--line);padding:.5em 1em;margin:1.5em 0}
.log-check[data-log-check=verified] [data-log-status]{color:#14632b;font-weight:600}
.log-check[data-log-check=failed] [data-log-status]{color:#a11212;font-weight:700}
form.site-search{display:flex;gap:.3em;flex:1 1 14em;max-width:28em}
form.site-search label{flex:1}
form.site-search input,form.search input{font:inherit;padding:.3em .5em;width:100%}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
mark{background:#ffe58a;color:inherit;padding:0 .1em}
ol.search-results{padding-left:1.5em}
ol.search-results li{margin:.4em 0}
.excerpt{color:var(--muted);font-size:.92em}
form.find-search{display:flex;gap:.3em;max-width:40em;margin:.5em 0;font-size:1.1em}
form.find-search label{flex:1}
ul.councils{columns:2 16em;padding-left:1.2em;margin:.5em 0}
.top-bottom{display:grid;grid-template-columns:minmax(0,1fr);gap:0 1.5em}
.top-bottom .figure{grid-template-columns:minmax(0,1fr)}
@media(min-width:900px){.top-bottom{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
footer.site{border-top:1px solid var(--line);margin-top:2em;padding:1em;color:var(--muted);font-size:.9em}
footer.site p{max-width:1100px;margin:.3em auto}
"#;

/// The whole HTML document of a page.
pub fn document(ctx: &Ctx, page: &Page) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No favicon file: an empty one keeps browsers from asking for /favicon.ico.
                link rel="icon" href="data:,";
                title { (page.title) " — " (ctx.t("site")) }
                @if let Some(feed) = &page.feed {
                    link rel="alternate" type="application/atom+xml" title=(format!("{} — {}", page.title, ctx.t("feed_title"))) href=(feed);
                }
                style { (PreEscaped(CSS)) }
            }
            body {
                a class="skip" href="#main" { (ctx.t("skip")) }
                header class="site" {
                    a class="brand" href="/" { (ctx.t("site")) }
                    nav aria-label=(ctx.t("nav_home")) {
                        ul {
                            li { a href="/" aria-current=[(ctx.path == "/").then_some("page")] { (ctx.t("nav_home")) } }
                            li { a href="/public-records" aria-current=[(ctx.path == "/public-records").then_some("page")] { (ctx.t("nav_public")) } }
                            li { a href="/search" aria-current=[(ctx.path == "/search").then_some("page")] { (ctx.t("nav_search")) } }
                            li { a href="/verify" aria-current=[(ctx.path == "/verify").then_some("page")] { (ctx.t("nav_verify")) } }
                            li { a href="/docs" { (ctx.t("nav_api")) } }
                        }
                    }
                    @if ctx.path != "/search" {
                        form class="site-search" role="search" action="/search" method="get" {
                            label {
                                span class="visually-hidden" { (ctx.t("search_label")) }
                                input type="search" name="q" placeholder=(ctx.t("search_placeholder")) maxlength="200";
                            }
                            button type="submit" { (ctx.t("search_button")) }
                        }
                    }
                    nav aria-label=(ctx.t("language")) {
                        ul class="langs" {
                            @for l in Lang::ALL {
                                li {
                                    a href=(ctx.switch_href(l)) hreflang=(l.code()) lang=(l.code())
                                        aria-current=[(l == lang).then_some("true")] { (l.native()) }
                                }
                            }
                        }
                    }
                }
                @if page.synthetic {
                    div class="synthetic" role="note" data-synthetic="true" { (ctx.t("synthetic_banner")) }
                }
                main id="main" tabindex="-1" {
                    h1 { (page.title) }
                    p class="meta" {
                        (ctx.t("api_link")) ": " a href=(page.api) rel="alternate" type="application/json" { code { "GET " (page.api) } }
                        br;
                        (ctx.t("method")) ": " strong { (crate::domain::metrics::METHOD) } " ("
                        a href="/v1/metrics/definitions" { (ctx.t("definitions")) } ")"
                    }
                    (page.body)
                }
                footer class="site" {
                    p { (ctx.t("footer_text")) }
                }
            }
        }
    }
}

/// A table in a scrollable region that keyboard users can scroll.
pub fn table_wrap(label: &str, table: Markup) -> Markup {
    html! {
        div class="table-wrap" role="region" aria-label=(label) tabindex="0" { (table) }
    }
}
