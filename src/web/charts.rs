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

const W: f64 = 640.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 22.0;

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

/// Each segment's start and width from the label column on, and where the bar ends.
fn place(segments: &[(f64, &'static str)], scale: f64) -> (Vec<(f64, f64, &'static str)>, f64) {
    let mut x = LABEL_W;
    let mut out = vec![];
    for (v, colour) in segments {
        let w = (v * scale).max(0.0);
        out.push((x, w, *colour));
        x += w;
    }
    (out, x)
}

/// Horizontal bars of stacked segments on a scale from 0 to `max`.
pub fn stacked_bars(title: &str, rows: &[StackRow], max: f64) -> Markup {
    let h = ROW_H * rows.len() as f64 + 8.0;
    let scale = (W - LABEL_W - 60.0) / max.max(f64::MIN_POSITIVE);
    html! {
        svg class="chart" viewBox={ "0 0 " (W) " " (h) } width="100%" role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for (i, r) in rows.iter().enumerate() {
                @let y = 4.0 + ROW_H * i as f64;
                text x=(LABEL_W - 6.0) y=(y + 15.0) text-anchor="end" font-size="12" { (fit(&r.label, LABEL_W - 10.0, 12.0)) }
                @let (placed, end) = place(&r.segments, scale);
                @for (x, w, colour) in placed {
                    rect x=(x) y=(y + 3.0) width=(w) height=(ROW_H - 6.0) fill=(colour) {}
                }
                text x=(end + 4.0) y=(y + 15.0) font-size="12" { (r.text) }
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
pub fn lines(title: &str, years: &[i32], series: &[(String, &'static str, Vec<Option<f64>>)], max: f64) -> Markup {
    let (h, left, right, top, bottom) = (220.0, 48.0, 20.0, 12.0, 44.0);
    let n = years.len().max(1);
    let step = if n > 1 { (W - left - right) / (n - 1) as f64 } else { 0.0 };
    let x = |i: usize| if n > 1 { left + step * i as f64 } else { (W - left - right) / 2.0 + left };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v / max.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0));
    html! {
        svg class="chart" viewBox={ "0 0 " (W) " " (h) } width="100%" role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for k in 0..=4 {
                @let v = max * k as f64 / 4.0;
                line x1=(left) x2=(W - right) y1=(y(v)) y2=(y(v)) stroke="#ddd" {}
                text x=(left - 6.0) y=(y(v) + 4.0) text-anchor="end" font-size="11" { (format!("{v:.0}")) }
            }
            @for (i, year) in years.iter().enumerate() {
                text x=(x(i)) y=(h - bottom + 16.0) text-anchor="middle" font-size="11" { (year) }
            }
            @for (si, (_, colour, values)) in series.iter().enumerate() {
                @let pts: Vec<String> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
                @if pts.len() > 1 {
                    polyline points=(pts.join(" ")) fill="none" stroke=(colour) stroke-width="2" {}
                }
                @for (i, v) in values.iter().enumerate() {
                    @if let Some(v) = v {
                        circle cx=(x(i)) cy=(y(*v)) r="4" fill=(colour) {}
                    }
                }
                @let lx = left + 170.0 * si as f64;
                rect x=(lx) y=(h - 16.0) width="12" height="12" fill=(colour) {}
                text x=(lx + 16.0) y=(h - 6.0) font-size="11" { (fit(&series[si].0, 150.0, 11.0)) }
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
    let per_row = 20usize;
    let r = 9.0;
    let gap = 22.0;
    let mut y = 6.0;
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
                text x="4" y=(top + 12.0) font-size="12" font-weight="bold" { (fit(label, W - 90.0, 13.0)) " (" (seats.len()) ")" }
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
    use super::{fit, text_width};

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
