//! Every slash command, autocomplete and button, as JSON in → JSON out through the one
//! dispatcher, with payloads shaped exactly as Discord sends them.

mod discord_support;

use std::time::{Duration, Instant};

use archivist::discord::commands::{registration_json, COMMANDS};
use archivist::discord::dispatch::dispatch_at;
use archivist::discord::limits::command_violations;
use archivist::discord::DispatchContext;
use archivist::settings::Settings;
use discord_support::*;
use serde_json::{json, Value};
use serenity::model::application::Interaction;

#[test]
fn ask_answers_with_quotes_citations_and_buttons() {
    let r = run(&command("ask", &[("question", json!(BORDER))]));
    assert_eq!(r["type"], 4);
    assert!(!is_ephemeral(&r));
    let e = embed(&r);
    assert_eq!(e["title"], BORDER);
    let fields = e["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3, "quotes_per_page");
    for f in fields {
        let name = f["name"].as_str().unwrap();
        assert!(name.contains("1962") && name.contains("passage "), "{name}");
        let value = f["value"].as_str().unwrap();
        assert!(value.starts_with("> "), "{value}");
        assert!(value.contains("**border**"), "highlighted: {value}");
        assert!(value.contains("](https://digitalarchive.wilsoncenter.org/document/"));
    }
    assert!(fields[0]["name"]
        .as_str()
        .unwrap()
        .starts_with("Stepan V. Chervonenko"));
    let total: usize = footer(&r)
        .split(" of ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total > 3);
    assert!(footer(&r).starts_with("1–3 of "));
    assert!(footer(&r).ends_with("Wilson Center Digital Archive"));
    assert_eq!(button(&r, "◀")["disabled"], true);
    assert_eq!(button(&r, "▶").get("disabled"), None);
    for label in ["Cite", "Context"] {
        button(&r, label);
    }
}

#[test]
fn ask_private_is_ephemeral() {
    let r = run(&command(
        "ask",
        &[("question", json!(BORDER)), ("private", json!(true))],
    ));
    assert!(is_ephemeral(&r));
}

#[test]
fn nothing_found_says_what_was_searched_and_suggests() {
    let r = run(&command(
        "ask",
        &[(
            "question",
            json!("what about the flibbertigibbet zeppelins?"),
        )],
    ));
    let d = embed(&r)["description"].as_str().unwrap();
    assert!(d.contains("I searched for the words"), "{d}");
    assert!(d.contains("flibbertigibbet"));
    assert!(d.contains("You could try"), "{d}");
    assert!(r["data"]["components"].as_array().unwrap().is_empty());

    let r = run(&command(
        "ask",
        &[("question", json!(BORDER)), ("speaker", json!("Napoleon"))],
    ));
    let d = embed(&r)["description"].as_str().unwrap();
    assert!(d.contains("turns by Napoleon"), "{d}");
}

#[test]
fn unknown_documents_get_close_suggestions_privately() {
    for (cmd, opts) in [
        ("doc", vec![("document", json!("12167"))]),
        (
            "ask",
            vec![("question", json!(BORDER)), ("document", json!("12167"))],
        ),
        ("cite", vec![("document", json!("12167"))]),
        ("speakers", vec![("document", json!("12167"))]),
        (
            "quote",
            vec![("document", json!("12167")), ("passage", json!(2))],
        ),
    ] {
        let r = run(&command(cmd, &opts));
        assert!(is_ephemeral(&r), "{cmd}");
        let c = r["data"]["content"].as_str().unwrap();
        assert!(
            c.contains("12167") && c.contains("Did you mean") && c.contains("`121676`"),
            "{c}"
        );
    }
}

#[test]
fn doc_card_and_reader() {
    let r = run(&command("doc", &[("document", json!("121676"))]));
    let e = embed(&r);
    assert!(e["title"]
        .as_str()
        .unwrap()
        .starts_with("Transcript of a Meeting"));
    assert_eq!(
        e["url"],
        "https://digitalarchive.wilsoncenter.org/document/121676"
    );
    assert!(e["description"].as_str().unwrap().contains("Ji Pengfei"));
    let field = |name: &str| -> String {
        e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no field {name}"))["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(field("Date"), "June 26, 1962");
    assert!(field("Archive reference").contains("118-01765-04"));
    assert_eq!(field("Translator"), "Caixia Lu");
    assert_eq!(field("Original language"), "Chinese");
    assert!(field("Participants").contains("**Ji Pengfei**, Vice Minister — 11 turns"));
    assert!(field("Citation").starts_with("```\n\"Transcript of a Meeting"));
    let passages: u32 = field("Passages").parse().unwrap();

    let reader = run(&press(&r, &custom_id(&r, "Read"), OTHER));
    assert_eq!(reader["type"], 4);
    assert!(is_ephemeral(&reader));
    let title = embed(&reader)["title"].as_str().unwrap();
    assert!(
        title.ends_with(&format!("passage 1 of {}", passages - 1)),
        "{title}"
    );
    assert!(embed(&reader)["description"]
        .as_str()
        .unwrap()
        .starts_with("> "));
    let next = run(&press(&reader, &custom_id(&reader, "▶"), OTHER));
    assert_eq!(next["type"], 7);
    assert!(embed(&next)["title"]
        .as_str()
        .unwrap()
        .contains("passage 2 of"));
}

#[test]
fn search_lists_more_per_page() {
    let r = run(&command("search", &[("query", json!("border"))]));
    let d = embed(&r)["description"].as_str().unwrap();
    for i in 1..=8 {
        assert!(d.contains(&format!("**{i}.** ")), "{i}: {d}");
    }
    assert!(footer(&r).starts_with("1–8 of "));
    let next = run(&press(&r, &custom_id(&r, "▶"), STUDENT));
    assert!(embed(&next)["description"]
        .as_str()
        .unwrap()
        .contains("**9.** "));

    let narrowed = run(&command(
        "search",
        &[
            ("query", json!("border")),
            ("from", json!("June 1962")),
            ("to", json!("1962-06-30")),
        ],
    ));
    let d = embed(&narrowed)["description"].as_str().unwrap();
    assert!(d.contains("**From:** June 1962"));
    assert!(!d.contains("April"), "only June documents: {d}");
}

#[test]
fn quote_shows_one_passage_with_its_citation() {
    let r = run(&command(
        "quote",
        &[("document", json!("121676")), ("passage", json!(3))],
    ));
    let e = embed(&r);
    assert!(
        e["title"].as_str().unwrap().contains("passage 3 of 28"),
        "{e}"
    );
    let cite = e["fields"][1]["value"].as_str().unwrap();
    assert!(cite.contains("Passage 3"), "{cite}");
    let open = run(&press(&r, &custom_id(&r, "▶"), OTHER));
    assert!(is_ephemeral(&open), "opens a private reader");

    let r = run(&command(
        "quote",
        &[("document", json!("121676")), ("passage", json!(99))],
    ));
    assert!(is_ephemeral(&r));
    assert!(r["data"]["content"]
        .as_str()
        .unwrap()
        .contains("passages 0 to 28"));
}

#[test]
fn speakers_lists_roles_documents_and_turns() {
    let r = run(&command("speakers", &[]));
    let d = embed(&r)["description"].as_str().unwrap();
    assert!(d.contains("**Stepan V. Chervonenko**"), "{d}");
    assert!(d.contains("`121676` ×"), "{d}");
    let r = run(&command("speakers", &[("document", json!("121676"))]));
    let d = embed(&r)["description"].as_str().unwrap();
    assert!(
        d.contains("**Ji Pengfei**, Vice Minister — 11 turns"),
        "{d}"
    );
    assert!(!d.contains('×'));
}

#[test]
fn cite_in_every_style() {
    let r = run(&command("cite", &[("document", json!("121676"))]));
    let names: Vec<&str> = embed(&r)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["As given by the archive", "Chicago", "MLA", "APA"]);
    let r = run(&command(
        "cite",
        &[("document", json!("121676")), ("style", json!("mla"))],
    ));
    let f = &embed(&r)["fields"][0];
    assert_eq!(f["name"], "MLA");
    assert!(f["value"].as_str().unwrap().contains("26 June 1962"));
}

#[test]
fn help_explains_with_examples_that_work() {
    let r = run(&command("help", &[]));
    assert!(is_ephemeral(&r));
    let d = embed(&r)["description"].as_str().unwrap();
    let examples: Vec<&str> = d
        .lines()
        .filter_map(|l| l.strip_prefix("• `/ask question: "))
        .map(|l| l.trim_end_matches('`'))
        .collect();
    assert_eq!(examples.len(), 3, "{d}");
    for q in examples {
        let a = run(&command("ask", &[("question", json!(q))]));
        assert!(!embed(&a)["fields"].as_array().unwrap().is_empty(), "{q}");
    }
    let text = visible_text(&r);
    assert!(text.contains("5 documents"), "{text}");
    assert!(text.contains("1962"));
    for c in COMMANDS {
        assert!(text.contains(&format!("`/{}`", c.name)));
    }
}

#[test]
fn autocomplete_speakers_and_documents() {
    let values = |r: &Value| -> Vec<String> {
        assert_eq!(r["type"], 8);
        r["data"]["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_str().unwrap().to_string())
            .collect()
    };
    let r = run(&autocomplete(
        "ask",
        &[("question", json!("x"))],
        "speaker",
        "cherv",
    ));
    assert_eq!(values(&r), ["Stepan V. Chervonenko"]);
    let r = run(&autocomplete("doc", &[], "document", "12167"));
    assert_eq!(values(&r)[0], "121676");
    let name = r["data"]["choices"][0]["name"].as_str().unwrap();
    assert!(
        name.starts_with("121676 — Transcript of a Meeting"),
        "{name}"
    );
    let r = run(&autocomplete("search", &[], "document", "April 1962"));
    let v = values(&r);
    assert!(!v.is_empty() && !v.contains(&"121676".to_string()), "{v:?}");
    let r = run(&autocomplete("cite", &[], "document", "Ji Pengfei"));
    assert_eq!(values(&r)[0], "121676");
    let r = run(&autocomplete("doc", &[], "document", ""));
    assert_eq!(values(&r).len(), 5);
    let r = run(&autocomplete("ask", &[], "question", "what"));
    assert!(values(&r).is_empty(), "question is not completed");
}

#[test]
fn rate_limit_is_per_user_and_friendly() {
    let ctx = DispatchContext::new(engine(), &Settings::defaults().discord);
    let t0 = Instant::now();
    let send = |payload: &Value, at: Duration| -> Value {
        let i: Interaction = serde_json::from_value(payload.clone()).unwrap();
        dispatch_at(&ctx, &i, t0 + at).to_json()
    };
    let help = command("help", &[]);
    for s in 0..5 {
        let r = send(&help, Duration::from_secs(s));
        assert!(r["data"]["embeds"][0].is_object(), "{r}");
    }
    let r = send(
        &autocomplete("doc", &[], "document", "12"),
        Duration::from_secs(5),
    );
    assert_eq!(r["type"], 8, "autocomplete is not limited");
    let r = send(&help, Duration::from_secs(5));
    assert!(is_ephemeral(&r));
    assert!(
        r["data"]["content"]
            .as_str()
            .unwrap()
            .contains("wait 5 seconds"),
        "{r}"
    );
    let r = send(&command_by("help", &[], OTHER), Duration::from_secs(5));
    assert!(r["data"]["embeds"][0].is_object());
    let r = send(&help, Duration::from_secs(10));
    assert!(r["data"]["embeds"][0].is_object(), "the window slides");

    // Buttons have their own, larger allowance: reading page after page is not flooding.
    let doc = run(&command("doc", &[("document", json!("121676"))]));
    let read = press(&doc, &custom_id(&doc, "Read"), STUDENT);
    for i in 0..15 {
        let r = send(&read, Duration::from_millis(10_000 + i * 100));
        assert!(r["data"]["embeds"][0].is_object(), "press {i}: {r}");
    }
    let r = send(&read, Duration::from_millis(11_600));
    assert!(
        r["data"]["content"].as_str().unwrap().contains("wait"),
        "{r}"
    );
}

#[test]
fn registration_json_is_the_table_and_within_limits() {
    let json = registration_json();
    assert!(
        command_violations(&json).is_empty(),
        "{:?}",
        command_violations(&json)
    );
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ask", "doc", "search", "quote", "speakers", "cite", "verify", "contexts", "trend",
            "help", "settings", "gaps", "add", "remove"
        ]
    );
    // Teacher commands are hidden from members without Manage Server, and not in DMs.
    for c in &json.as_array().unwrap()[10..] {
        assert_eq!(c["default_member_permissions"], "32", "{c}");
        assert_eq!(c["contexts"], serde_json::json!([0]), "{c}");
    }
    assert!(json[0].get("default_member_permissions").is_none());
    let ask = &json[0];
    assert_eq!(ask["options"][0]["name"], "question");
    assert_eq!(ask["options"][0]["required"], true);
    assert_eq!(ask["options"][1]["autocomplete"], true);
    assert_eq!(ask["options"][3]["type"], 5);
    // Every registered command is dispatched (no "unknown command").
    for c in archivist::discord::commands::all() {
        let r = run(&command(c.name, &[]));
        if let Some(content) = r["data"]["content"].as_str() {
            assert!(!content.contains("don't know that command"), "{}", c.name);
        }
    }
}
