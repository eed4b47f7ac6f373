//! Every rendered response stays within every Discord limit and pings no one, whatever the user
//! types and however long the passages are: nasty questions through the real dispatcher, and the
//! renderers fed oversized synthetic answers and cards.

mod discord_support;

use archivist::answer::{
    Answer, CorpusStats, DocCard, PassageView, Quote, Searched, SpeakerSummary, SpeakerTurns,
};
use archivist::discord::cards::{self, Turning};
use archivist::discord::limits::violations;
use archivist::discord::paging::AskQuery;
use archivist::discord::render::{self, Page};
use archivist::discord::response::{Message, Response};
use discord_support::*;
use serde_json::{json, Value};

fn nasty() -> Vec<String> {
    vec![
        "@everyone what did Chervonenko say about the border?".into(),
        "@here <@123> <@!123> <@&456> <#789> border".into(),
        "**border** __residents__ ~~fence~~ *x*".into(),
        "`border` ```code block``` ``".into(),
        "||spoiler|| border ||".into(),
        "> quoted\n>>> all quoted\n# heading\n- list\n1. item border".into(),
        "x".repeat(6000),
        format!("border {}", "*".repeat(1200)),
        format!("{} border", "<@1>".repeat(300)),
        "border ".repeat(900),
        "🙂🇨🇳👨‍👩‍👧 border 🙂".repeat(200),
        "ما الذي قاله السفير عن الحدود border \u{202E}reversed\u{202C}".into(),
        "bor\u{200B}der \u{200D}\u{2060}\u{FEFF}".into(),
        "((((( border".into(),
        "\"unclosed border".into(),
        "[link](https://evil.example) <https://x.example> border".into(),
        "\\*\\*escaped\\*\\* border \\".into(),
        "".into(),
        "   ".into(),
    ]
}

/// No mention in the visible text would ping or render as a mention. Code blocks (citations,
/// kept exact for pasting) show mentions as literal text, so they are left out.
fn assert_no_mentions(r: &Value) {
    let text: String = visible_text(r)
        .split("```")
        .step_by(2)
        .collect::<Vec<_>>()
        .join(" ");
    for bad in ["@everyone", "@here", "<@1", "<@!", "<@&", "<#7"] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
    if let Some(d) = r.get("data").filter(|d| d.get("choices").is_none()) {
        if d.get("embeds").is_some() || d.get("content").is_some() {
            assert_eq!(d["allowed_mentions"], json!({"parse": []}));
        }
    }
}

#[test]
fn nasty_input_through_every_command() {
    for s in nasty() {
        let v = json!(s);
        let payloads = [
            command("ask", &[("question", v.clone())]),
            command(
                "ask",
                &[("question", json!("border")), ("speaker", v.clone())],
            ),
            command(
                "ask",
                &[("question", json!("border")), ("document", v.clone())],
            ),
            command(
                "search",
                &[("query", v.clone()), ("from", v.clone()), ("to", v.clone())],
            ),
            command("doc", &[("document", v.clone())]),
            command("cite", &[("document", v.clone()), ("style", v.clone())]),
            command("speakers", &[("document", v.clone())]),
            command("quote", &[("document", v.clone()), ("passage", json!(1))]),
            autocomplete("ask", &[], "speaker", &s),
            autocomplete("doc", &[], "document", &s),
        ];
        for p in &payloads {
            let r = run(p);
            assert_no_mentions(&r);
            // Buttons on whatever came back work too.
            for row in r["data"]["components"].as_array().into_iter().flatten() {
                for b in row["components"].as_array().into_iter().flatten() {
                    if let Some(id) = b["custom_id"].as_str() {
                        let pressed = run(&press(&r, id, STUDENT));
                        assert_no_mentions(&pressed);
                        let pages = id.starts_with("ap:") || id.starts_with("sp:");
                        if pages && b["disabled"] != true {
                            assert_eq!(pressed["type"], 7, "paging {s:?}: {pressed}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_passage_quoted_and_in_context() {
    let engine = engine();
    for d in engine.suggest_documents("", 100) {
        for p in engine.passages_of(&d.doc_id).unwrap() {
            let r = run(&command(
                "quote",
                &[("document", json!(d.doc_id)), ("passage", json!(p.passage))],
            ));
            assert_no_mentions(&r);
            let cx = format!("cx:{}/{}", d.doc_id, p.passage);
            assert_no_mentions(&run(&press(&r, &cx, STUDENT)));
        }
    }
}

fn check(m: Message) {
    for r in [Response::message(m.clone()), Response::update(m)] {
        let v = r.to_json();
        let problems = violations(&v);
        assert!(problems.is_empty(), "{problems:?}");
        assert_no_mentions(&v);
    }
}

fn nasty_text(n: usize) -> String {
    let unit = "@everyone **bold** <@123> `tick` ||sp|| > q _u_ ~s~ # h. Sentence ends here. ";
    unit.repeat(n / unit.len() + 1)
}

fn quote(i: usize) -> Quote {
    let text = nasty_text(5000);
    let highlights = (0..text.len())
        .step_by(7)
        .filter(|&a| text.is_char_boundary(a) && text.is_char_boundary(a + 5))
        .map(|a| [a, a + 5])
        .collect();
    Quote {
        doc_id: format!("cable-with-a-very-long-slug-{i}-{}", "x".repeat(80)),
        passage: 4_000_000_000,
        speaker: Some(nasty_text(400)),
        label: Some("L".into()),
        title: nasty_text(1000),
        date: Some("1962-06-26".into()),
        url: format!("https://example.org/document/{}) [x](y", "z".repeat(600)),
        text: text.clone(),
        quote: text,
        highlights,
        score: 1.0,
    }
}

fn card() -> DocCard {
    DocCard {
        doc_id: nasty_text(200),
        title: nasty_text(1000),
        date: Some("1962".into()),
        summary: Some(nasty_text(10_000)),
        citation: Some(nasty_text(5000)),
        url: Some("javascript:alert(1)".into()),
        canonical_url: format!("https://example.org/{}", "y".repeat(1000)),
        archive_ref: Some(nasty_text(2000)),
        translator: Some(nasty_text(2000)),
        original_language: Some(nasty_text(2000)),
        archive: Some(nasty_text(3000)),
        credits: Some(nasty_text(3000)),
        meeting: Some(nasty_text(3000)),
        speakers: (0..200)
            .map(|i| SpeakerTurns {
                name: format!("{i} {}", nasty_text(300)),
                label: "X".into(),
                turns: i,
                role: Some(nasty_text(500)),
            })
            .collect(),
        passages: u32::MAX,
        source_file: "f.txt".into(),
    }
}

#[test]
fn renderers_stay_within_limits_on_oversized_input() {
    let query = AskQuery {
        question: nasty_text(6000),
        speaker: Some(nasty_text(500)),
        doc: Some(nasty_text(500)),
        from: Some(nasty_text(300)),
        to: Some(nasty_text(300)),
    };
    let archive = nasty_text(3000);
    for n in [1, 3, 10, 20] {
        let answer = Answer {
            question: query.question.clone(),
            total: 100_000,
            results: (0..n).map(quote).collect(),
            offset: 99_980,
            searched: Searched {
                terms: vec![nasty_text(300); 50],
                speakers: vec![nasty_text(300); 10],
                speaker_relaxed: true,
                doc_id: Some(nasty_text(300)),
                date: Some(nasty_text(300)),
            },
            suggestions: vec![nasty_text(1000); 20],
            explain: None,
        };
        let page = Page {
            query: &query,
            owner: u64::MAX,
            per_page: n,
            archive: Some(&archive),
        };
        check(render::ask(&answer, &page));
        check(render::search(&answer, &page));
        let empty = Answer {
            results: vec![],
            ..answer.clone()
        };
        check(render::ask(&empty, &page));
    }
    let c = card();
    check(cards::doc_card(&c, Some(&archive)));
    check(cards::citations(&c, None));
    let p = PassageView {
        doc_id: c.doc_id.clone(),
        passage: 7,
        speaker: Some(nasty_text(500)),
        label: None,
        text: nasty_text(20_000),
        of: u32::MAX,
    };
    check(cards::passage(&p, &c, Turning::OpenReader));
    check(cards::passage(&p, &c, Turning::TurnPage));
    check(cards::context(&[p.clone(), p.clone(), p.clone()], 7, &c));
    let quotes: Vec<_> = (0..30)
        .map(|i| (c.clone(), i, Some(nasty_text(300))))
        .collect();
    check(cards::quote_citations(&quotes));
    let speakers: Vec<SpeakerSummary> = (0..500)
        .map(|i| SpeakerSummary {
            name: nasty_text(200),
            labels: vec![],
            role: Some(nasty_text(300)),
            documents: (0..50).map(|j| (format!("doc{j}`"), i)).collect(),
            turns: i,
        })
        .collect();
    check(cards::speakers(&speakers, None));
    check(cards::speakers(&speakers, Some(&c)));
    let stats = CorpusStats {
        documents: usize::MAX,
        first_date: Some("1900-01-01".into()),
        last_date: Some("2000-12-31".into()),
        ..Default::default()
    };
    let examples = vec![nasty_text(3000); 10];
    let commands: Vec<(&str, &str)> = vec![("ask", "@everyone **x**"); 100];
    check(cards::help(&stats, &examples, Some(&archive), &commands));
}
