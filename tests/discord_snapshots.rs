//! Snapshots of what a student sees: the rendered replies to `/ask` (with paging, citations and
//! context), `/doc`, `/search`, `/quote`, `/cite`, `/help` and "nothing found", as the exact JSON
//! Discord receives. Review changes with `cargo insta review`.

mod discord_support;

use discord_support::*;
use serde_json::{json, Value};

fn id(r: &Value, label: &str) -> String {
    button(r, label)["custom_id"].as_str().unwrap().to_string()
}

#[test]
fn ask_replies() {
    let q = json!("what did Chervonenko say about the border?");
    let first = run(&command("ask", &[("question", q)]));
    insta::assert_json_snapshot!("ask", first);
    let next = run(&press(&first, &id(&first, "▶"), STUDENT));
    insta::assert_json_snapshot!("ask_next_page", next);
    insta::assert_json_snapshot!("ask_cite", run(&press(&first, &id(&first, "Cite"), OTHER)));
    insta::assert_json_snapshot!(
        "ask_context",
        run(&press(&first, &id(&first, "Context"), OTHER))
    );
    insta::assert_json_snapshot!(
        "ask_not_yours",
        run(&press(&first, &id(&first, "▶"), OTHER))
    );
    let nasty = json!("@everyone **why** did <@123> build the `fence`? ||spoiler||");
    insta::assert_json_snapshot!("ask_nasty", run(&command("ask", &[("question", nasty)])));
    let none = json!("what about the flibbertigibbet zeppelins?");
    insta::assert_json_snapshot!(
        "ask_nothing_found",
        run(&command("ask", &[("question", none)]))
    );
}

#[test]
fn document_replies() {
    let doc = run(&command("doc", &[("document", json!("121676"))]));
    insta::assert_json_snapshot!("doc", doc);
    insta::assert_json_snapshot!("doc_read", run(&press(&doc, &id(&doc, "Read"), STUDENT)));
    insta::assert_json_snapshot!(
        "doc_unknown",
        run(&command("doc", &[("document", json!("12167"))]))
    );
    insta::assert_json_snapshot!(
        "quote",
        run(&command(
            "quote",
            &[("document", json!("118200")), ("passage", json!(2))]
        ))
    );
    insta::assert_json_snapshot!(
        "cite",
        run(&command("cite", &[("document", json!("118192"))]))
    );
}

#[test]
fn list_replies() {
    insta::assert_json_snapshot!(
        "search",
        run(&command("search", &[("query", json!("residents"))]))
    );
    insta::assert_json_snapshot!("speakers", run(&command("speakers", &[])));
    insta::assert_json_snapshot!("help", run(&command("help", &[])));
    insta::assert_json_snapshot!(
        "autocomplete_document",
        run(&autocomplete("ask", &[], "document", "june"))
    );
}
