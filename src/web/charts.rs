//! Charts drawn on the server as inline SVG: no script, no outside files. Each chart is an image
//! with a title; the page puts a table of the same numbers beside it (the text alternative).

use maud::{Markup, html};

/// Colours of the six openness components, in the order of `OPENNESS_KEYS`.
pub const COMPONENT_COLOURS: [&str; 6] = ["#1b6ca8", "#2a9d8f", "#8ab17d", "#e9c46a", "#f4a261", "#9c6ade"];

/// The colour of a ballot option.
pub fn option_colour(option: &str) -> &'static str {
    match option {
        "yes" => "#1a9850",
        "no" => "#d73027",
        "abstain" => "#f4a261",
        "not_voting" => "#7f7f7f",
        "excused" => "#9ecae1",
        _ => "#e0e0e0",
    }
}

/// A series colour for simple charts.
pub const SERIES: [&str; 4] = ["#1b6ca8", "#d95f02", "#7570b3", "#1a9850"];

/// The view box width. Charts are drawn at most `MAX_DRAWN` CSS px wide and as narrow as a phone's
/// column (about 324 px inside a vote's box at 390 px), so text of `FONT` units is drawn at
/// 13 × 324 / 360 ≈ 11.7 px there and at most 13 × 440 / 360 ≈ 15.9 px on a desktop.
const W: f64 = 360.0;
/// The widest a chart is drawn, in CSS px (the style's `.chart` max-width).
pub const MAX_DRAWN: f64 = 440.0;
/// Every chart text's font size, in view box units.
const FONT: f64 = 13.0;
/// One bar row: its label on a line of its own above the bar, so it has the chart's width.
const ROW_H: f64 = 32.0;
/// Room kept right of the longest bar for its value ("100,0 %").
const VALUE_W: f64 = 64.0;

/// A generous estimate of a character's advance in em (wide sans-serif fonts, Cyrillic included),
/// so that text cut to fit never overflows its chart.
fn em(c: char) -> f64 {
    match c {
        ' ' => 0.34,
        'i' | 'l' | 'j' | 't' | 'f' | 'r' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | '(' | ')' | 'і' => 0.4,
        'm' | 'w' | 'M' | 'W' | 'ш' | 'щ' | 'ж' | 'м' | 'ю' | 'ы' | 'ф' | 'Ш' | 'Щ' | 'Ж' | 'М' | 'Ю' | 'Ы' | 'Ф'
        | '—' => 0.95,
        c if c.is_uppercase() => 0.76,
        _ => 0.64,
    }
}

/// The estimated width of `s` in px at `size` px.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(em).sum::<f64>() * size
}

/// `label`, cut with an ellipsis where needed so that it is at most `max` px wide at `size` px.
pub fn fit(label: &str, max: f64, size: f64) -> String {
    if text_width(label, size) <= max {
        return label.to_owned();
    }
    let room = max - text_width("…", size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in label.chars() {
        w += em(c) * size;
        if w > room {
            break;
        }
        out.push(c);
    }
    out.trim_end().to_owned() + "…"
}

/// One horizontal bar made of coloured segments laid end to end.
pub struct StackRow {
    /// The row's label.
    pub label: String,
    /// Segment lengths and colours.
    pub segments: Vec<(f64, &'static str)>,
    /// The text after the bar (the total, or "no data").
    pub text: String,
}

/// Each segment's start and width from the left edge on, and where the bar ends.
fn place(segments: &[(f64, &'static str)], scale: f64) -> (Vec<(f64, f64, &'static str)>, f64) {
    let mut x = 4.0;
    let mut out = vec![];
    for (v, colour) in segments {
        let w = (v * scale).max(0.0);
        out.push((x, w, *colour));
        x += w;
    }
    (out, x)
}

/// Horizontal bars of stacked segments on a scale from 0 to `max`, each under its label.
pub fn stacked_bars(title: &str, rows: &[StackRow], max: f64) -> Markup {
    let h = ROW_H * rows.len() as f64 + 4.0;
    let scale = (W - 8.0 - VALUE_W) / max.max(f64::MIN_POSITIVE);
    html! {
        svg class="chart" viewBox={ "0 0 " (W) " " (h) } width="100%" role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for (i, r) in rows.iter().enumerate() {
                @let y = 2.0 + ROW_H * i as f64;
                text x="4" y=(y + 12.0) font-size=(FONT) { (fit(&r.label, W - 8.0, FONT)) }
                @let (placed, end) = place(&r.segments, scale);
                @for (x, w, colour) in placed {
                    rect x=(x) y=(y + 17.0) width=(w) height="12" fill=(colour) {}
                }
                text x=(end + 4.0) y=(y + 28.0) font-size=(FONT) { (fit(&r.text, W - end - 6.0, FONT)) }
            }
        }
    }
}

/// One simple bar.
pub struct Bar {
    /// Its label.
    pub label: String,
    /// Its value; `None` draws no bar.
    pub value: Option<f64>,
    /// Its colour.
    pub colour: &'static str,
    /// The text after the bar.
    pub text: String,
}

/// Horizontal bars on a scale from 0 to `max`.
pub fn bars(title: &str, rows: &[Bar], max: f64) -> Markup {
    let stacked: Vec<StackRow> = rows
        .iter()
        .map(|b| StackRow {
            label: b.label.clone(),
            segments: b.value.map(|v| vec![(v, b.colour)]).unwrap_or_default(),
            text: b.text.clone(),
        })
        .collect();
    stacked_bars(title, &stacked, max)
}

/// A line per series over years, each on the scale 0 to `max`; gaps where a value is missing.
/// Year labels are thinned out so that they never touch; each series' key has a line of its own.
pub fn lines(title: &str, years: &[i32], series: &[(String, &'static str, Vec<Option<f64>>)], max: f64) -> Markup {
    // `right` leaves half a year label beyond the last year; the year labels sit low enough not to
    // touch the "0" of the scale.
    let (plot_h, left, right, top) = (150.0, 40.0, 22.0, 10.0);
    let axis = top + plot_h;
    let key_top = axis + 34.0;
    let h = key_top + 18.0 * series.len() as f64 + 2.0;
    let n = years.len().max(1);
    let step = if n > 1 { (W - left - right) / (n - 1) as f64 } else { 0.0 };
    // A year label is about 34 units wide at 13: every `every`-th year gets one, the last always.
    let every = if n > 1 { ((text_width("0000", FONT) + 6.0) / step).floor() as usize + 1 } else { 1 };
    let shown = |i: usize| i == n - 1 || (i.is_multiple_of(every) && n - 1 - i >= every);
    let x = |i: usize| if n > 1 { left + step * i as f64 } else { (W - left - right) / 2.0 + left };
    let y = |v: f64| top + plot_h * (1.0 - (v / max.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0));
    html! {
        svg class="chart" viewBox={ "0 0 " (W) " " (h) } width="100%" role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for k in 0..=4 {
                @let v = max * k as f64 / 4.0;
                line x1=(left) x2=(W - right) y1=(y(v)) y2=(y(v)) stroke="#ddd" {}
                text x=(left - 5.0) y=(y(v) + 4.5) text-anchor="end" font-size=(FONT) { (format!("{v:.0}")) }
            }
            @for (i, year) in years.iter().enumerate() {
                @if shown(i) {
                    text x=(x(i)) y=(axis + 24.0) text-anchor="middle" font-size=(FONT) { (year) }
                }
            }
            @for (_, colour, values) in series {
                @let pts: Vec<String> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
                @if pts.len() > 1 {
                    polyline points=(pts.join(" ")) fill="none" stroke=(colour) stroke-width="2" {}
                }
                @for (i, v) in values.iter().enumerate() {
                    @if let Some(v) = v {
                        circle cx=(x(i)) cy=(y(*v)) r="3.5" fill=(colour) {}
                    }
                }
            }
            @for (si, (label, colour, _)) in series.iter().enumerate() {
                @let ky = key_top + 18.0 * si as f64;
                rect x="4" y=(ky) width="12" height="12" fill=(colour) {}
                text x="22" y=(ky + 11.0) font-size=(FONT) { (fit(label, W - 26.0, FONT)) }
            }
        }
    }
}

/// One seat in a seat chart.
pub struct Seat {
    /// Tooltip text: who and how.
    pub tip: String,
    /// The ballot option (`yes`, `no`, …).
    pub option: String,
}

/// Seats as dots, one row block per group, coloured by option.
pub fn seats(title: &str, groups: &[(String, Vec<Seat>)]) -> Markup {
    let per_row = 16usize;
    let r = 8.0;
    let gap = 21.0;
    let mut y = 4.0;
    let mut blocks = vec![];
    for (label, seats) in groups {
        let rows = seats.len().div_ceil(per_row).max(1);
        blocks.push((label, seats, y));
        y += 20.0 + gap * rows as f64 + 6.0;
    }
    let h = y;
    html! {
        svg class="chart" viewBox={ "0 0 " (W) " " (h) } width="100%" role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for (label, seats, top) in &blocks {
                @let count = format!(" ({})", seats.len());
                text x="4" y=(top + 12.0) font-size=(FONT) font-weight="bold" { (fit(label, W - 8.0 - text_width(&count, FONT * 1.1), FONT * 1.1)) (count) }
                @for (i, s) in seats.iter().enumerate() {
                    @let cx = 14.0 + gap * (i % per_row) as f64;
                    @let cy = top + 20.0 + r + gap * (i / per_row) as f64;
                    circle cx=(cx) cy=(cy) r=(r) fill=(option_colour(&s.option)) stroke="#555" stroke-width="0.5" {
                        title { (s.tip) }
                    }
                }
            }
        }
    }
}

/// A colour key.
pub fn legend(items: &[(String, &'static str)]) -> Markup {
    html! {
        ul class="legend" {
            @for (label, colour) in items {
                li { span class="swatch" style={ "background:" (colour) } aria-hidden="true" {} (label) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Bar, FONT, MAX_DRAWN, Seat, W, bars, fit, lines, seats, text_width};

    /// The narrowest a chart is drawn on a 390 px phone: main's 1em padding and a vote's box.
    const PHONE_COLUMN: f64 = 390.0 - 2.0 * 16.0 - 2.0 * 16.0 - 2.0;

    /// Each `font-size` of an SVG and the view box width.
    fn sizes(svg: &str) -> (f64, Vec<f64>) {
        let vb = svg.split("viewBox=\"0 0 ").nth(1).and_then(|r| r.split(' ').next()).and_then(|w| w.parse().ok());
        let sizes = svg.split("font-size=\"").skip(1).filter_map(|r| r.split('"').next()?.parse().ok()).collect();
        (vb.expect("a view box"), sizes)
    }

    #[test]
    fn chart_text_is_at_least_11_px_on_a_phone_and_at_most_16_on_a_desktop() {
        let bar = Bar {
            label: "Қатысу — Мәслихат орташасы".into(),
            value: Some(80.0),
            colour: "#000",
            text: "80,0 %".into(),
        };
        let years: Vec<i32> = (2015..2027).collect();
        let series = vec![("Даулы дауыс берулер үлесі".to_owned(), "#000", years.iter().map(|_| Some(50.0)).collect())];
        let group =
            vec![("AMANAT".to_owned(), (0..30).map(|_| Seat { tip: "x".into(), option: "yes".into() }).collect())];
        for svg in [bars("t", &[bar], 100.0), lines("t", &years, &series, 100.0), seats("t", &group)] {
            let (width, fonts) = sizes(&svg.into_string());
            assert!(!fonts.is_empty());
            for f in fonts {
                assert!(f * PHONE_COLUMN / width >= 11.0, "{f} in {width} drawn {PHONE_COLUMN} px wide");
                assert!(f * MAX_DRAWN / width <= 16.5, "{f} in {width} drawn {MAX_DRAWN} px wide");
            }
        }
    }

    #[test]
    fn year_labels_stay_inside_and_apart_however_many_years() {
        for n in [1, 2, 5, 9, 12, 25] {
            let years: Vec<i32> = (2000..2000 + n).collect();
            let series = vec![("a".to_owned(), "#000", vec![Some(1.0); n as usize])];
            let svg = lines("t", &years, &series, 100.0).into_string();
            let xs: Vec<f64> = svg
                .split("<text x=\"")
                .skip(1)
                .filter(|t| t.contains("text-anchor=\"middle\""))
                .filter_map(|t| t.split('"').next()?.parse().ok())
                .collect();
            let half = text_width("0000", FONT) / 2.0;
            assert!(!xs.is_empty() && xs.len() <= n as usize, "{n} years: {xs:?}");
            assert!(svg.contains(&format!(">{}</text>", 1999 + n)), "{n} years: the last year is labelled");
            for w in xs.windows(2) {
                assert!(w[1] - w[0] >= 2.0 * half + 4.0, "{n} years: labels at {} and {} touch", w[0], w[1]);
            }
            for x in &xs {
                assert!(x - half >= 0.0 && x + half <= W, "{n} years: a label at {x} leaves the chart");
            }
        }
    }

    #[test]
    fn labels_are_cut_to_fit_their_room() {
        assert_eq!(fit("Аудан", 200.0, 12.0), "Аудан");
        let long = "«Ақ жол» Қазақстанның демократиялық партиясы";
        let cut = fit(long, 220.0, 12.0);
        assert!(cut.ends_with('…') && cut.chars().count() < long.chars().count(), "{cut}");
        assert!(text_width(&cut, 12.0) <= 220.0, "{cut}");
        assert!(text_width(&fit(&"Ш".repeat(80), 100.0, 12.0), 12.0) <= 100.0);
    }
}
