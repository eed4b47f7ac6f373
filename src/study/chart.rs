//! The `/trend` chart: a PNG line chart of a [`Trend`] (title, axes with dates, a legend, a
//! footer naming the query and the corpus), drawn in-process with `plotters` into a pixel
//! buffer and encoded with `png`. The font is embedded (DejaVu Sans, `assets/fonts/`, under the
//! Bitstream Vera licence beside it): no system fonts, no browser.
//!
//! The figures go into the file too, as an `iTXt` chunk holding the CSV, and [`Chart`] says where
//! each point was drawn, so a test can read the numbers back out of the picture.

use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::trend::{csv, Trend, Unit};

/// Size of the picture, in pixels.
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 520;
/// Name of the PNG text chunk holding the figures as CSV.
pub const DATA_CHUNK: &str = "Figures (CSV)";

/// The series' colours (Okabe–Ito, distinguishable with colour blindness), each series also
/// with its own marker shape.
pub const COLORS: [(u8, u8, u8); 3] = [(0, 114, 178), (213, 94, 0), (0, 158, 115)];

const FONT: &str = "archivist-sans";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// A drawn chart and where its points are.
#[derive(Debug, Clone)]
pub struct Chart {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The pixels the value ranges' corners map to: x of -0.5, y of `y_max`, x of
    /// `points - 0.5`, y of 0 (a value maps linearly in between).
    pub plot: [i32; 4],
    /// The value range of the y axis (the x axis runs from -0.5 to points - 0.5).
    pub y_max: f64,
    /// Per series, the pixel centre of each point's marker.
    pub points: Vec<Vec<(i32, i32)>>,
}

fn font() -> Result<&'static str> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(FONT)
    } else {
        Err(anyhow!("the embedded chart font could not be read"))
    }
}

/// The chart's title: `Uses per 10,000 words: “a”, “b”`.
pub fn title(t: &Trend) -> String {
    let terms: Vec<String> = t
        .terms
        .iter()
        .map(|s| format!("\u{201c}{s}\u{201d}"))
        .collect();
    format!("Uses per 10,000 words: {}", terms.join(", "))
}

/// The footer of a chart: the query and the corpus it was run on.
pub fn footer(t: &Trend, archive: Option<&str>) -> String {
    let docs = if t.documents == 1 {
        "document"
    } else {
        "documents"
    };
    let corpus = archive.unwrap_or("the archive");
    format!(
        "Query: {} · per {} · {} {docs} of {corpus} · made by Archivist",
        t.terms.join(", "),
        t.unit.as_str(),
        t.documents
    )
}

/// Draws `t`; `footer` names the query and the corpus. An error when there is nothing to draw.
pub fn draw(t: &Trend, footer: &str) -> Result<Chart> {
    let n = t.series.first().map_or(0, |s| s.points.len());
    if n == 0 {
        return Err(anyhow!("no documents to chart"));
    }
    let font = font()?;
    let top = t
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.per_10k))
        .fold(0.0f64, f64::max);
    let y_max = if top > 0.0 { top * 1.15 } else { 1.0 };
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    let (plot, points) = paint(&mut pixels, t, n, y_max, footer, font)
        .map_err(|e| anyhow!("the chart could not be drawn: {e}"))?;
    Ok(Chart {
        png: encode(&pixels, &title(t), &csv(t))?,
        width: WIDTH,
        height: HEIGHT,
        plot,
        y_max,
        points,
    })
}

type Painted = ([i32; 4], Vec<Vec<(i32, i32)>>);

/// Draws the chart into an RGB buffer of `WIDTH × HEIGHT`.
fn paint(
    pixels: &mut [u8],
    t: &Trend,
    n: usize,
    y_max: f64,
    footer: &str,
    font: &str,
) -> Result<Painted, Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (main, bottom) = root.split_vertically(HEIGHT - 28);
    // Per document, a few points are labelled with their id too (documents may share a date).
    let with_id = t.unit == Unit::Document && n <= 6;
    let labels: Vec<String> = t.series[0]
        .points
        .iter()
        .map(|p| {
            let date = p.date.clone().unwrap_or_else(|| "undated".into());
            match (with_id, t.unit) {
                (true, _) => format!("{date} ({})", p.key()),
                (false, Unit::Document) => date,
                (false, Unit::Month) => p.key().to_string(),
            }
        })
        .collect();
    let mut chart = ChartBuilder::on(&main)
        .caption(title(t), (font, 22))
        .margin(14)
        .x_label_area_size(58)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..y_max)?;
    let x_desc = match t.unit {
        Unit::Document => "documents, in date order",
        Unit::Month => "month",
    };
    chart
        .configure_mesh()
        .x_labels(n.min(12))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        })
        .y_labels(8)
        .y_label_formatter(&|v| {
            if y_max >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .x_desc(x_desc)
        .y_desc("uses per 10,000 words")
        .label_style((font, 13))
        .axis_desc_style((font, 15))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    let mut drawn = Vec::new();
    for (k, s) in t.series.iter().enumerate() {
        let (r, g, b) = COLORS[k % COLORS.len()];
        let color = RGBColor(r, g, b);
        let coords: Vec<(f64, f64)> = s
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64, p.per_10k))
            .collect();
        let uses = if s.total == 1 { "use" } else { "uses" };
        chart
            .draw_series(LineSeries::new(coords.clone(), color.stroke_width(2)))?
            .label(format!("{} ({} {uses})", s.term, s.total))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
            });
        for &c in &coords {
            match k % 3 {
                0 => chart.draw_series(std::iter::once(Circle::new(c, 5, color.filled())))?,
                1 => chart.draw_series(std::iter::once(
                    EmptyElement::at(c) + Rectangle::new([(-5, -5), (5, 5)], color.filled()),
                ))?,
                _ => {
                    chart.draw_series(std::iter::once(TriangleMarker::new(c, 7, color.filled())))?
                }
            };
        }
        drawn.push(coords.iter().map(|c| chart.backend_coord(c)).collect());
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .label_font((font, 14))
        .draw()?;
    bottom.draw_text(
        footer,
        &(font, 13).into_font().color(&RGBColor(80, 80, 80)),
        (14, 6),
    )?;
    let (left, top) = chart.backend_coord(&(-0.5, y_max));
    let (right, bottom) = chart.backend_coord(&(n as f64 - 0.5, 0.0));
    root.present()?;
    Ok(([left, top, right, bottom], drawn))
}

/// The RGB buffer as a PNG, with the title and the figures (CSV) as text chunks.
fn encode(pixels: &[u8], title: &str, figures: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.add_itxt_chunk("Title".into(), title.into())?;
    enc.add_itxt_chunk(DATA_CHUNK.into(), figures.into())?;
    let mut w = enc.write_header()?;
    w.write_image_data(pixels)?;
    w.finish()?;
    Ok(out)
}
