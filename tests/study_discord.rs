//! The study commands through the real dispatcher, JSON in → JSON out, as a student sees them:
//! `/verify` (every verdict), `/contexts` (paged with ◀ ▶, only by the asker), `/trend` (chart
//! and CSV attached), `/cite … style: ris|bibtex` (a file attached) and `/help`. Every response
//! passes the limits checker (`run` asserts it), files included; snapshots show the exact JSON.

mod discord_support;

use archivist::discord::limits::{file_violations, violations};
use archivist::discord::Response;
use discord_support::*;
use serde_json::{json, Value};
use serenity::model::application::Interaction;

/// The response object itself (with its files), checked against every limit.
fn respond(payload: &Value) -> Response {
    let interaction: Interaction = serde_json::from_value(payload.clone()).unwrap();
    let r = archivist::discord::dispatch(ctx(), &interaction);
    let mut problems = violations(&r.to_json());
    if let Some(m) = r.message_data() {
        problems.extend(file_violations(m));
    }
    assert!(problems.is_empty(), "{problems:?}");
    r
}

#[test]
fn verify_replies() {
    let verbatim = run(&command(
        "verify",
        &[
            (
                "quote",
                json!("It is against international practices to refuse repatriation"),
            ),
            ("speaker", json!("Chervonenko")),
        ],
    ));
    assert!(visible_text(&verbatim).contains("The passage is Zhang Hanfu's, not"));
    insta::assert_json_snapshot!("verify_verbatim_wrong_speaker", verbatim);
    insta::assert_json_snapshot!(
        "verify_omissions",
        run(&command(
            "verify",
            &[(
                "quote",
                json!("[T]he Soviet Union is obligated to repatriate [...] in stages")
            )]
        ))
    );
    let altered = run(&command(
        "verify",
        &[(
            "quote",
            json!(
                "The Soviet Union is required to repatriate these people based on normal practice."
            ),
        )],
    ));
    assert!(visible_text(&altered).contains("**required** where the source has **obligated**"));
    insta::assert_json_snapshot!("verify_altered", altered);
    insta::assert_json_snapshot!(
        "verify_not_found",
        run(&command(
            "verify",
            &[(
                "quote",
                json!("The Soviet Union welcomes every refugee and will build new schools")
            )]
        ))
    );
    let private = run(&command(
        "verify",
        &[("quote", json!("border")), ("private", json!(true))],
    ));
    assert!(is_ephemeral(&private));
    insta::assert_json_snapshot!(
        "verify_no_words",
        run(&command("verify", &[("quote", json!("?! …"))]))
    );
}

#[test]
fn contexts_replies_page_statelessly_for_the_asker_only() {
    let first = run(&command("contexts", &[("term", json!("border"))]));
    insta::assert_json_snapshot!("contexts", first);
    assert!(
        footer(&first).starts_with("Uses 1–10 of "),
        "{}",
        footer(&first)
    );
    assert_eq!(button(&first, "◀")["disabled"], true);
    let next = run(&press(&first, &custom_id(&first, "▶"), STUDENT));
    assert_eq!(next["type"], 7, "the page is turned in place");
    assert!(
        footer(&next).starts_with("Uses 11–20 of "),
        "{}",
        footer(&next)
    );
    insta::assert_json_snapshot!("contexts_next_page", next);
    let back = run(&press(&next, &custom_id(&next, "◀"), STUDENT));
    assert_eq!(embed(&back)["description"], embed(&first)["description"]);
    let theirs = run(&press(&first, &custom_id(&first, "▶"), OTHER));
    assert!(is_ephemeral(&theirs));
    assert!(visible_text(&theirs).contains("Only the person who asked"));

    // A changed message (its request lines edited) is refused, not paged wrongly.
    let mut forged = first.clone();
    forged["data"]["embeds"][0]["description"] = json!("**Term:** repatriate");
    let r = run(&press(&forged, &custom_id(&first, "▶"), STUDENT));
    assert!(is_ephemeral(&r) && visible_text(&r).contains("run `/contexts` again"));

    let narrowed = run(&command(
        "contexts",
        &[
            ("term", json!("repatriate")),
            ("speaker", json!("Ji")),
            ("document", json!("121676")),
        ],
    ));
    insta::assert_json_snapshot!("contexts_narrowed", narrowed);
    assert!(
        narrowed["data"]["components"]
            .as_array()
            .unwrap()
            .is_empty(),
        "one page: no buttons"
    );
    let unknown = run(&command(
        "contexts",
        &[("term", json!("border")), ("document", json!("12167"))],
    ));
    assert!(is_ephemeral(&unknown));
    assert!(visible_text(&unknown).contains("Did you mean"));
    let none = run(&command("contexts", &[("term", json!("zeppelin"))]));
    assert!(visible_text(&none).contains("Nothing in the archive uses it"));
}

#[test]
fn trend_sends_the_chart_and_the_figures() {
    let payload = command(
        "trend",
        &[
            ("terms", json!("repatriate, border")),
            ("per", json!("document")),
        ],
    );
    let r = respond(&payload);
    let j = r.to_json();
    insta::assert_json_snapshot!("trend", j);
    assert_eq!(embed(&j)["image"]["url"], "attachment://trend.png");
    assert_eq!(j["data"]["attachments"][0]["filename"], "trend.png");
    assert_eq!(j["data"]["attachments"][1]["filename"], "trend.csv");
    let files = r.files();
    assert_eq!(files.len(), 2);
    let png = png::Decoder::new(std::io::Cursor::new(files[0].bytes.clone()))
        .read_info()
        .unwrap();
    assert!(png.info().width >= 800 && png.info().height >= 400);
    let csv = String::from_utf8(files[1].bytes.clone()).unwrap();
    let t = archivist::study::trend(
        &engine().snapshot(),
        &archivist::study::TrendRequest {
            terms: vec!["repatriate, border".into()],
            unit: archivist::study::Unit::Document,
        },
        None,
    );
    assert_eq!(csv, archivist::study::trend::csv(&t));
    // The figures are in the text too, for screen readers.
    let text = visible_text(&j);
    for p in &t.series[1].points {
        assert!(text.contains(&format!("{:.2}", p.per_10k)), "{}", p.per_10k);
    }
    let months = respond(&command(
        "trend",
        &[("terms", json!("border")), ("per", json!("month"))],
    ));
    assert!(visible_text(&months.to_json()).contains("June 1962"));
    let empty = run(&command("trend", &[("terms", json!(" , ,"))]));
    assert!(is_ephemeral(&empty));
}

#[test]
fn cite_attaches_reference_files() {
    let r = respond(&command(
        "cite",
        &[("document", json!("118200")), ("style", json!("ris"))],
    ));
    let j = r.to_json();
    insta::assert_json_snapshot!("cite_ris", j);
    let ris = String::from_utf8(r.files()[0].bytes.clone()).unwrap();
    assert_eq!(r.files()[0].name, "118200.ris");
    assert!(ris.starts_with(
        "TY  - MANSCPT\r\nTI  - Minutes of the Meeting between Vice Minister Zhang Hanfu"
    ));
    assert!(ris.contains("DA  - 1962/06/08/\r\nPY  - 1962\r\n"));
    assert!(ris.contains("AN  - PRC FMA 118-01765-03, 24-26. Translated by 7Brands.\r\n"));
    assert!(ris.contains("UR  - https://digitalarchive.wilsoncenter.org/document/118200\r\n"));
    assert!(ris.ends_with("ER  - \r\n"));
    let b = respond(&command(
        "cite",
        &[("document", json!("121676")), ("style", json!("bibtex"))],
    ));
    let bib = String::from_utf8(b.files()[0].bytes.clone()).unwrap();
    assert!(bib.starts_with("@unpublished{doc121676,\n"), "{bib}");
    assert!(bib.contains("  translator = {Caixia Lu},\n"));
}

#[test]
fn help_shows_each_study_tool_with_an_example_that_works() {
    let help = run(&command("help", &[]));
    let fields = embed(&help)["fields"].as_array().unwrap();
    let study = fields
        .iter()
        .find(|f| f["name"] == "Study tools")
        .expect("a study tools field");
    let text = study["value"].as_str().unwrap();
    for c in [
        "/verify quote:",
        "/contexts term:",
        "/trend terms:",
        "/cite document:",
    ] {
        assert!(text.contains(c), "{c} in {text}");
    }
    // The example quotation is verbatim in the archive, and the example words are used.
    let quote = text
        .split("/verify quote: ")
        .nth(1)
        .and_then(|r| r.split(" speaker: ").next())
        .unwrap();
    let v = archivist::study::verify(
        &engine().snapshot(),
        &archivist::study::VerifyRequest {
            quote: quote.into(),
            speaker: None,
        },
        None,
    );
    assert_eq!(v.verdict, archivist::study::Verdict::Verbatim, "{quote}");
    let term = text
        .split("/contexts term: ")
        .nth(1)
        .unwrap()
        .split('`')
        .next()
        .unwrap();
    let c = run(&command("contexts", &[("term", json!(term))]));
    assert!(
        !visible_text(&c).contains("Nothing in the archive uses it"),
        "{term}"
    );
}

#[test]
fn study_commands_stay_within_limits_whatever_is_typed() {
    let nasty = [
        "@everyone **border** `x` ||spoiler|| <@123> [link](https://evil.example)".to_string(),
        "border ".repeat(800),
        "🙂🇨🇳 border ".repeat(300),
        "x".repeat(6000),
        "\"unclosed [bracket ... border".into(),
        "[...] [...] ... …".into(),
        String::new(),
    ];
    for q in &nasty {
        let cut: String = q.chars().take(100).collect();
        for payload in [
            command("verify", &[("quote", json!(q)), ("speaker", json!(cut))]),
            command("contexts", &[("term", json!(cut)), ("speaker", json!(cut))]),
            command("trend", &[("terms", json!(cut))]),
        ] {
            let r = respond(&payload).to_json();
            let text: String = visible_text(&r)
                .split("```")
                .step_by(2)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(!text.contains("@everyone"), "{text}");
            assert!(!text.contains("<@123>"), "{text}");
        }
    }
    let ac = run(&autocomplete("verify", &[], "speaker", "zh"));
    assert!(ac["data"]["choices"][0]["value"]
        .as_str()
        .unwrap()
        .starts_with("Zhang"));
    let ac = run(&autocomplete("contexts", &[], "document", "june"));
    assert!(!ac["data"]["choices"].as_array().unwrap().is_empty());
}
