//! The study tools on the command line: `archivist verify`, `contexts` and `trend` (clap
//! arguments, a call into [`crate::study`], then JSON with `--json` or text for a person), and
//! `archivist cite --style ris|bibtex`.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::search::Engine;
use crate::study::{self, chart, trend as trends, Verdict};
use crate::terminal::Style;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The quotation (`-` reads it from standard input).
    #[arg(required = true, num_args = 1..)]
    pub quote: Vec<String>,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    /// Who the quotation is attributed to: says whether the passage is theirs.
    #[arg(long)]
    pub speaker: Option<String>,
}

#[derive(Debug, Args)]
pub struct ContextsArgs {
    /// The word or phrase (stemmed: `repatriate` finds repatriation, repatriated).
    #[arg(required = true, num_args = 1..)]
    pub term: Vec<String>,
    #[arg(long)]
    pub json: bool,
    /// Only this speaker's turns.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Only this document.
    #[arg(long = "doc")]
    pub doc: Option<String>,
    /// Characters of context either side.
    #[arg(long, default_value_t = study::contexts::DEFAULT_WIDTH)]
    pub width: usize,
    /// Lines shown at most (all by default).
    #[arg(long, short = 'n')]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Up to three words or phrases (separate arguments, or comma-separated).
    #[arg(required = true, num_args = 1..)]
    pub terms: Vec<String>,
    #[arg(long)]
    pub json: bool,
    /// One point per document or per month.
    #[arg(long, value_parser = ["document", "month"], default_value = "document")]
    pub per: String,
    /// Also draw the chart into this PNG file.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Also write the figures into this CSV file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `archivist verify`.
pub fn verify(engine: &Engine, args: &VerifyArgs, style: Style) -> Result<i32> {
    let mut quote = args.quote.join(" ");
    if quote.trim() == "-" {
        quote.clear();
        std::io::stdin()
            .read_to_string(&mut quote)
            .context("cannot read the quotation from stdin")?;
    }
    let req = study::VerifyRequest {
        quote,
        speaker: args.speaker.clone(),
    };
    let v = study::verify(&engine.snapshot(), &req, None);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", render_verification(&v, style));
    }
    Ok(0)
}

/// `archivist contexts`; an unknown document exits 1.
pub fn contexts(engine: &Engine, args: &ContextsArgs, style: Style) -> Result<i32> {
    let req = study::ContextsRequest {
        term: args.term.join(" "),
        speaker: args.speaker.clone(),
        doc: args.doc.clone(),
        width: args.width.max(1),
        offset: 0,
        limit: args.limit.unwrap_or(0),
    };
    let c = match study::contexts(&engine.snapshot(), &req, None) {
        Ok(c) => c,
        Err(nf) => return Ok(crate::cli::not_found(&nf)),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
    } else {
        print!("{}", render_contexts(&c, args.width.max(1), style));
    }
    Ok(0)
}

/// `archivist trend`.
pub fn trend(engine: &Engine, args: &TrendArgs, style: Style) -> Result<i32> {
    let unit = trends::Unit::parse(&args.per).unwrap_or_default();
    let req = study::TrendRequest {
        terms: args.terms.clone(),
        unit,
    };
    let snap = engine.snapshot();
    let t = study::trend(&snap, &req, None);
    if let Some(path) = &args.png {
        let footer = chart::footer(&t, engine.archive_name().as_deref());
        let c = chart::draw(&t, &footer)?;
        std::fs::write(path, &c.png)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, trends::csv(&t))
            .with_context(|| format!("cannot write the figures to {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&t)?);
    } else {
        print!("{}", render_trend(&t, style));
    }
    Ok(0)
}

fn render_verification(v: &study::Verification, style: Style) -> String {
    let w = style.width;
    let mut out = String::new();
    out.push_str(&crate::terminal::wrap(&v.summary(), w, "", &[], style));
    out.push('\n');
    if let Some(s) = v.speaker_summary() {
        out.push_str(&format!("{s}\n"));
    }
    if let Some(n) = &v.note {
        out.push_str(&format!("Note: {n}\n"));
    }
    for c in &v.changes {
        let line = match c.kind {
            study::ChangeKind::Replaced => {
                format!(
                    "  replaced: \u{201c}{}\u{201d} where the source has \u{201c}{}\u{201d}",
                    c.quote, c.source
                )
            }
            study::ChangeKind::Inserted => format!(
                "  inserted: \u{201c}{}\u{201d} is not in the source",
                c.quote
            ),
            study::ChangeKind::Deleted => {
                format!(
                    "  dropped:  \u{201c}{}\u{201d} of the source is left out unmarked",
                    c.source
                )
            }
        };
        out.push_str(&crate::terminal::wrap(&line, w, "", &[], style));
        out.push('\n');
    }
    if let Some(src) = &v.source {
        out.push_str("\nSource:\n");
        out.push_str(&crate::terminal::wrap(
            &format!("\u{201c}{src}\u{201d}"),
            w,
            "  ",
            &[],
            style,
        ));
        out.push('\n');
    }
    if v.verdict == Verdict::NotFound && !v.closest.is_empty() {
        out.push_str("\nClosest passages:\n");
        for c in &v.closest {
            let who = c.speaker.as_deref().unwrap_or("no speaker");
            out.push_str(&format!(
                "  {} passage {} ({who}), similarity {:.2}:\n",
                c.doc_id, c.passage, c.similarity
            ));
            out.push_str(&crate::terminal::wrap(
                &format!("\u{201c}{}\u{201d}", c.text),
                w,
                "    ",
                &[],
                style,
            ));
            out.push('\n');
        }
    }
    if let Some(c) = &v.citation {
        out.push_str("\nCite: ");
        out.push_str(c);
        out.push('\n');
    }
    out
}

/// Text shown on one line: line breaks and tabs as spaces.
fn flat(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

fn render_contexts(c: &study::Contexts, width: usize, style: Style) -> String {
    let mut out = String::new();
    if let Some(n) = &c.note {
        out.push_str(&format!("{n}\n"));
    }
    let docs = c.per_document.len();
    out.push_str(&format!(
        "{} use{} of \u{201c}{}\u{201d} in {docs} document{}\n",
        c.total,
        if c.total == 1 { "" } else { "s" },
        c.term,
        if docs == 1 { "" } else { "s" }
    ));
    for d in &c.per_document {
        out.push_str(&format!(
            "  {:>6}  {}  {}\n",
            d.count,
            d.date.as_deref().unwrap_or("undated"),
            d.doc_id
        ));
    }
    if !c.lines.is_empty() {
        out.push('\n');
    }
    for l in &c.lines {
        let left = flat(&l.left);
        let pad = width.saturating_sub(left.chars().count());
        let matched = flat(&l.matched);
        let matched = if style.color {
            format!("\x1b[1;33m{matched}\x1b[0m")
        } else {
            matched
        };
        let who = l.speaker.as_deref().unwrap_or("-");
        out.push_str(&format!(
            "{}{left} {matched} {:<width$}  {}#{} {who}\n",
            " ".repeat(pad),
            flat(&l.right),
            l.doc_id,
            l.passage
        ));
    }
    if (c.lines.len() as u64) < c.total {
        out.push_str(&format!("({} of {} uses shown)\n", c.lines.len(), c.total));
    }
    out
}

fn render_trend(t: &study::Trend, _style: Style) -> String {
    let mut out = format!("{}, per {}\n", chart::title(t), t.unit.as_str());
    if let Some(n) = &t.note {
        out.push_str(&format!("Note: {n}\n"));
    }
    for s in &t.series {
        out.push_str(&format!("\n{} ({} uses)\n", s.term, s.total));
        for p in &s.points {
            out.push_str(&format!(
                "  {:<10}  {:<24}  {:>5} in {:>7} words  {:>8.2} per 10,000\n",
                p.date.as_deref().unwrap_or("undated"),
                p.key(),
                p.count,
                p.words,
                p.per_10k
            ));
        }
    }
    out
}
