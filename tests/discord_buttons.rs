//! Buttons (paging, Cite, Context, reading) and deferral, as JSON in → JSON out: a command's
//! response becomes the message the button is pressed on, exactly as Discord sends it back.

mod discord_support;

use archivist::discord::dispatch::{after_deferral, deferral, Delivery};
use archivist::discord::Response;
use discord_support::*;
use serde_json::{json, Value};
use serenity::model::application::Interaction;

#[test]
fn paging_is_stateless_and_only_for_the_asker() {
    let first = run(&command("ask", &[("question", json!(BORDER))]));
    let next = custom_id(&first, "▶");
    let second = run(&press(&first, &next, STUDENT));
    assert_eq!(second["type"], 7, "updates the message");
    assert!(
        footer(&second).starts_with("4–6 of "),
        "{}",
        footer(&second)
    );
    assert_ne!(embed(&first)["fields"][0], embed(&second)["fields"][0]);
    assert_eq!(button(&second, "◀").get("disabled"), None);
    let back = run(&press(&second, &custom_id(&second, "◀"), STUDENT));
    assert_eq!(embed(&back)["fields"], embed(&first)["fields"]);

    let other = run(&press(&first, &next, OTHER));
    assert_eq!(other["type"], 4);
    assert!(is_ephemeral(&other));
    assert!(other["data"]["content"]
        .as_str()
        .unwrap()
        .contains("Only the person who asked"));
}

#[test]
fn paging_keeps_options_and_long_questions() {
    let long = format!("{} {}", "why ".repeat(80), BORDER);
    let first = run(&command(
        "ask",
        &[
            ("question", json!(long)),
            ("speaker", json!("Chervonenko")),
            ("document", json!("121676")),
        ],
    ));
    let d = embed(&first)["description"].as_str().unwrap();
    assert!(d.contains("**Question:** why why"), "{d}");
    assert!(d.contains("**Speaker:** Chervonenko") && d.contains("**Document:** 121676"));
    let fields = embed(&first)["fields"].as_array().unwrap();
    for f in fields {
        assert!(f["name"]
            .as_str()
            .unwrap()
            .starts_with("Stepan V. Chervonenko"));
        assert!(f["value"].as_str().unwrap().contains("/document/121676)"));
    }
    let second = run(&press(&first, &custom_id(&first, "▶"), STUDENT));
    assert_eq!(second["type"], 7);
    assert_eq!(embed(&second)["description"], embed(&first)["description"]);
    assert!(footer(&second).starts_with("4–"));
}

#[test]
fn a_changed_message_is_not_paged_with_the_wrong_question() {
    let first = run(&command("ask", &[("question", json!(BORDER))]));
    let mut tampered = first.clone();
    tampered["data"]["embeds"][0]["title"] = json!("something else entirely");
    let r = run(&press(&tampered, &custom_id(&first, "▶"), STUDENT));
    assert!(is_ephemeral(&r));
    assert!(r["data"]["content"]
        .as_str()
        .unwrap()
        .contains("run `/ask` again"));
}

#[test]
fn cite_button_gives_full_citations_privately() {
    let first = run(&command("ask", &[("question", json!(BORDER))]));
    let r = run(&press(&first, &custom_id(&first, "Cite"), OTHER));
    assert_eq!(r["type"], 4);
    assert!(is_ephemeral(&r));
    let fields = embed(&r)["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3);
    for (f, q) in fields
        .iter()
        .zip(embed(&first)["fields"].as_array().unwrap())
    {
        let v = f["value"].as_str().unwrap();
        assert!(
            v.starts_with("```\n") && v.contains("Wilson Center Digital Archive"),
            "{v}"
        );
        let passage = q["name"]
            .as_str()
            .unwrap()
            .rsplit("passage ")
            .next()
            .unwrap();
        assert!(v.contains(&format!("Passage {passage} (")), "{v}");
    }
}

#[test]
fn context_button_shows_the_turns_around_the_first_quote() {
    let first = run(&command("ask", &[("question", json!(BORDER))]));
    let id = custom_id(&first, "Context");
    let n: u32 = id.rsplit('/').next().unwrap().parse().unwrap();
    let r = run(&press(&first, &id, OTHER));
    assert!(is_ephemeral(&r));
    let d = embed(&r)["description"].as_str().unwrap();
    for k in [n - 1, n, n + 1] {
        assert!(d.contains(&format!("passage {k}\n")), "{k}: {d}");
    }
    assert!(d.contains("▶ **"), "{d}");
    let read = run(&press(&r, &custom_id(&r, "Read from here"), OTHER));
    assert_eq!(read["type"], 7);
    assert!(embed(&read)["title"]
        .as_str()
        .unwrap()
        .contains(&format!("passage {n} of")));
}

#[test]
fn ping_unknown_buttons_and_unknown_commands() {
    let mut ping = command("help", &[]);
    ping["type"] = json!(1);
    ping.as_object_mut().unwrap().remove("data");
    assert_eq!(run(&ping), json!({"type": 1}));

    let doc = run(&command("doc", &[("document", json!("121676"))]));
    let r = run(&press(&doc, "zz:nonsense", STUDENT));
    assert!(is_ephemeral(&r));
    let r = run(&press(&doc, "rd:#00000000/1", STUDENT));
    assert!(r["data"]["content"]
        .as_str()
        .unwrap()
        .contains("no longer in the archive"));
    let r = run(&command("frobnicate", &[]));
    assert!(is_ephemeral(&r));
}

#[test]
fn deferral_matches_what_is_delivered() {
    let read = |v: Value| -> Interaction { serde_json::from_value(v).unwrap() };
    let d = deferral(&read(command("ask", &[("question", json!(BORDER))]))).unwrap();
    assert_eq!(d.to_json(), json!({"type": 5, "data": {"flags": 0}}));
    let private = command(
        "ask",
        &[("question", json!(BORDER)), ("private", json!(true))],
    );
    let d = deferral(&read(private)).unwrap();
    assert_eq!(d.to_json(), json!({"type": 5, "data": {"flags": 64}}));

    let first = run(&command("ask", &[("question", json!(BORDER))]));
    let page = read(press(&first, &custom_id(&first, "▶"), STUDENT));
    let d = deferral(&page).unwrap();
    assert_eq!(d.to_json(), json!({"type": 6}));
    let r = archivist::discord::dispatch(ctx(), &page);
    assert!(matches!(after_deferral(&d, r), Delivery::EditOriginal(_)));
    let private = read(command(
        "ask",
        &[("question", json!(BORDER)), ("private", json!(true))],
    ));
    let dp = deferral(&private).unwrap();
    let r = archivist::discord::dispatch(ctx(), &private);
    assert!(
        matches!(after_deferral(&dp, r), Delivery::EditOriginal(m) if m.flags == 0),
        "privacy was set by the deferral; edits carry no ephemeral flag"
    );
    let not_owner = read(press(&first, &custom_id(&first, "▶"), OTHER));
    let r = archivist::discord::dispatch(ctx(), &not_owner);
    assert!(
        matches!(after_deferral(&d, r), Delivery::Followup(m) if m.flags == 64),
        "an error after a silent ack goes out privately, the answer stays"
    );
    assert!(matches!(
        after_deferral(&d, Response::pong()),
        Delivery::Nothing
    ));
}

/// The same payload as sent from a direct message (or a user-installed app): no guild, no
/// member, the user at the top level.
fn in_dm(mut v: Value, by: &str) -> Value {
    let o = v.as_object_mut().unwrap();
    let member = o.remove("member").unwrap();
    o.remove("guild_id");
    o.remove("channel");
    let mut user = member["user"].clone();
    user["id"] = json!(by);
    o.insert("user".into(), user);
    o.insert("context".into(), json!(1));
    v
}

#[test]
fn direct_messages_work_and_paging_knows_the_user() {
    let first = run(&in_dm(
        command("ask", &[("question", json!(BORDER))]),
        STUDENT,
    ));
    assert!(footer(&first).starts_with("1–3 of "));
    let next = custom_id(&first, "▶");
    assert!(next.starts_with(&format!("ap:{STUDENT}:")));
    let second = run(&in_dm(press(&first, &next, STUDENT), STUDENT));
    assert_eq!(second["type"], 7);
    let other = run(&in_dm(press(&first, &next, OTHER), OTHER));
    assert!(is_ephemeral(&other));
}
