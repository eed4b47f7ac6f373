//! The study tools on the seed corpus: `verify` gives the right verdict on quotations taken from
//! the seeds (exact, with omissions, with a word changed, said by someone else, invented, and
//! odd input), for hand-picked ones and for quotations cut from every passage; `contexts` lines
//! are verbatim and its counts agree with the index; `trend` figures agree with `contexts` and
//! with the words of each document.

mod discord_support;

use archivist::study::{
    self, ChangeKind, ContextsRequest, TrendRequest, Unit, Verdict, VerifyRequest,
};
use discord_support::engine;

fn verify(quote: &str, speaker: Option<&str>) -> study::Verification {
    let req = VerifyRequest {
        quote: quote.into(),
        speaker: speaker.map(str::to_string),
    };
    study::verify(&engine().snapshot(), &req, None)
}

#[test]
fn exact_quotations_are_verbatim_with_their_passage_and_citation() {
    let v = verify(
        "\u{201c}It is against international practices to refuse repatriation on the excuse of \
         the entrants\u{2019} reluctance to come back.\u{201d}",
        None,
    );
    assert_eq!(v.verdict, Verdict::Verbatim, "{v:#?}");
    assert_eq!(
        (v.doc_id.as_deref(), v.passage, v.speaker.as_deref()),
        (Some("118200"), Some(2), Some("Zhang Hanfu"))
    );
    assert_eq!(
        v.source.as_deref(),
        Some(
            "It is against international practices to refuse repatriation on the excuse of the \
             entrants' reluctance to come back"
        )
    );
    assert!(v.citation.unwrap().ends_with("Passage 2 (Zhang Hanfu)."));
    assert!(v.changes.is_empty() && v.closest.is_empty());
    assert_eq!(v.speaker_matches, None);

    // Case, dashes, spacing and line breaks are not changes.
    let v = verify(
        "the soviet union is obligated to repatriate   these people\nbased on normal practice",
        Some("Ji Pengfei"),
    );
    assert_eq!(v.verdict, Verdict::Verbatim);
    assert_eq!((v.doc_id.as_deref(), v.passage), (Some("121676"), Some(13)));
    assert_eq!(v.speaker_matches, Some(true));
}

#[test]
fn marked_omissions_and_insertions_are_omissions() {
    for q in [
        "The Soviet Union is obligated to repatriate these people ... you can do so in stages.",
        "The Soviet Union is obligated to repatriate [...] in stages",
        "The Soviet Union is obligated to repatriate these people\u{2026}If you are unable to send \
         everyone back",
        "[The USSR] is obligated to repatriate these people based on normal practice",
        "[T]he Soviet Union is obligated to repatriate [the refugees] based on normal practice",
    ] {
        let v = verify(q, Some("Ji"));
        assert_eq!(v.verdict, Verdict::Omissions, "{q}: {v:#?}");
        assert_eq!((v.doc_id.as_deref(), v.passage), (Some("121676"), Some(13)), "{q}");
        assert_eq!(v.speaker_matches, Some(true));
        assert!(v.source.unwrap().contains("repatriate these people"));
    }
    // Pieces out of order are not the passage.
    let v = verify(
        "you can do so in stages ... The Soviet Union is obligated to repatriate these people",
        None,
    );
    assert_ne!(v.verdict, Verdict::Omissions);
    assert_ne!(v.verdict, Verdict::Verbatim);
}

#[test]
fn one_word_changed_is_altered_with_the_change() {
    let v = verify(
        "The Soviet Union is required to repatriate these people based on normal practice.",
        None,
    );
    assert_eq!(v.verdict, Verdict::Altered, "{v:#?}");
    assert_eq!((v.doc_id.as_deref(), v.passage), (Some("121676"), Some(13)));
    assert_eq!(v.changes.len(), 1, "{:?}", v.changes);
    let c = &v.changes[0];
    assert_eq!(
        (c.kind, c.quote.as_str(), c.source.as_str()),
        (ChangeKind::Replaced, "required", "obligated")
    );
    assert_eq!(
        v.source.as_deref(),
        Some("The Soviet Union is obligated to repatriate these people based on normal practice")
    );

    let v = verify(
        "The Soviet Union is obligated to repatriate all these people based on normal practice",
        None,
    );
    assert_eq!(v.verdict, Verdict::Altered);
    assert_eq!(
        (v.changes[0].kind, v.changes[0].quote.as_str()),
        (ChangeKind::Inserted, "all")
    );
    let v = verify(
        "The Soviet Union is obligated to repatriate people based on normal practice",
        None,
    );
    assert_eq!(v.verdict, Verdict::Altered);
    assert_eq!(
        (v.changes[0].kind, v.changes[0].source.as_str()),
        (ChangeKind::Deleted, "these")
    );
}

#[test]
fn the_wrong_speaker_is_named() {
    let v = verify(
        "It is against international practices to refuse repatriation",
        Some("Chervonenko"),
    );
    assert_eq!(v.verdict, Verdict::Verbatim);
    assert_eq!(v.speaker.as_deref(), Some("Zhang Hanfu"));
    assert_eq!(v.speaker_matches, Some(false));
    let says = v.speaker_summary().unwrap();
    assert!(
        says.starts_with("The passage is Zhang Hanfu's, not ") && says.contains("Chervonenko's"),
        "{says}"
    );
    let v = verify(
        "It is against international practices",
        Some("Nobody Atall"),
    );
    assert_eq!(v.speaker_matches, Some(false));
    assert!(v.note.unwrap().contains("No one called Nobody Atall"));
}

#[test]
fn invented_quotations_are_not_found_with_the_closest_passages() {
    let v = verify(
        "The Soviet Union welcomes every refugee and will build new schools for them in Almaty",
        Some("Chervonenko"),
    );
    assert_eq!(v.verdict, Verdict::NotFound, "{v:#?}");
    assert_eq!(v.closest.len(), 3);
    assert!(v
        .closest
        .windows(2)
        .all(|w| w[0].similarity >= w[1].similarity));
    assert!(v
        .closest
        .iter()
        .all(|c| c.similarity < study::verify::ALTERED_FROM));
    assert_eq!((v.doc_id, v.source, v.speaker_matches), (None, None, None));
}

#[test]
fn odd_quotations_get_a_clear_answer() {
    let v = verify("border", None);
    assert_eq!(v.verdict, Verdict::Verbatim, "one word that is there");
    let v = verify("flibbertigibbet", None);
    assert_eq!(v.verdict, Verdict::NotFound);
    assert!(v.closest.is_empty());
    assert_eq!(
        v.summary(),
        "Not found: no passage of the archive holds its words."
    );
    for q in ["?!", "...", "\u{201c}\u{201d}", "   ", "[...]"] {
        let v = verify(q, None);
        assert_eq!(v.verdict, Verdict::NotFound, "{q:?}");
        assert!(v.note.is_some(), "{q:?}");
    }
    let long = "the border ".repeat(700);
    let v = verify(&long, None);
    assert_eq!(v.verdict, Verdict::NotFound);
    assert!(v.note.unwrap().contains("first 6000 characters"));
}

/// Words of a passage, by whitespace.
fn windows_of(text: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (words.len() >= 16).then(|| words[2..14].to_vec())
}

#[test]
fn quotations_cut_from_every_passage_get_the_right_verdict() {
    let snap = engine().snapshot();
    let mut checked = 0;
    for id in engine().doc_ids() {
        for p in engine().passages_of(&id).unwrap() {
            let Some(w) = windows_of(&p.text) else {
                continue;
            };
            let exact = w.join(" ");
            let v = verify(&exact, None);
            assert_eq!(v.verdict, Verdict::Verbatim, "{exact}");
            let key = |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            assert!(
                key(v.source.as_deref().unwrap()).contains(
                    &key(&exact)
                        .trim_end_matches(['.', ',', ';', ':'])
                        .to_string()
                ),
                "{exact} → {:?}",
                v.source
            );

            let cut = format!("{} ... {}", w[..4].join(" "), w[7..].join(" "));
            assert_eq!(verify(&cut, None).verdict, Verdict::Omissions, "{cut}");

            if let Some(k) =
                (4..8).find(|&k| w[k].len() > 3 && w[k].chars().all(char::is_alphabetic))
            {
                let mut changed = w.clone();
                changed[k] = "xylophone";
                let q = changed.join(" ");
                let v = verify(&q, None);
                assert_eq!(v.verdict, Verdict::Altered, "{q}");
                assert!(
                    v.changes.iter().any(|c| c.kind == ChangeKind::Replaced
                        && c.quote == "xylophone"
                        && c.source == w[k]),
                    "{q}: {:?}",
                    v.changes
                );
            }

            let mut reversed = w.clone();
            reversed.reverse();
            let q = reversed.join(" ");
            assert_eq!(verify(&q, None).verdict, Verdict::NotFound, "{q}");

            if let Some(s) = &p.speaker {
                let v = verify(&exact, Some(s));
                assert!(
                    v.speaker_matches == Some(true) || v.speaker.as_deref() != Some(s.as_str()),
                    "{exact}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} passages");
    drop(snap);
}

#[test]
fn contexts_lines_are_verbatim_and_in_date_order() {
    let snap = engine().snapshot();
    for term in [
        "repatriate",
        "border",
        "normal conditions",
        "Soviet Union",
        "the",
    ] {
        let req = ContextsRequest {
            term: term.into(),
            width: 30,
            ..Default::default()
        };
        let c = study::contexts(&snap, &req, None).unwrap();
        assert!(c.total > 0, "{term}");
        assert_eq!(
            c.lines.len() as u64,
            c.total,
            "{term}: every use has a line"
        );
        assert_eq!(c.per_document.iter().map(|d| d.count).sum::<u64>(), c.total);
        let dates: Vec<&str> = c
            .per_document
            .iter()
            .map(|d| d.date.as_deref().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{term}: {dates:?}");
        for l in &c.lines {
            let p = engine().passage(&l.doc_id, l.passage).unwrap();
            let line = format!("{}{}{}", l.left, l.matched, l.right);
            assert!(
                p.text.contains(&line),
                "{term}: {line:?} not in {}#{}",
                l.doc_id,
                l.passage
            );
            assert!(l.left.chars().count() <= 30 && l.right.chars().count() <= 30);
        }
        // Pages are slices of the whole list.
        let page = study::contexts(
            &snap,
            &ContextsRequest {
                offset: 2,
                limit: 3,
                ..req.clone()
            },
            None,
        )
        .unwrap();
        let want: Vec<_> = c.lines.iter().skip(2).take(3).cloned().collect();
        assert_eq!(page.lines, want, "{term}");
        assert_eq!(page.total, c.total);
    }
    let c = study::contexts(
        &snap,
        &ContextsRequest {
            term: "repatriate".into(),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let matched: Vec<&str> = c.lines.iter().map(|l| l.matched.as_str()).collect();
    for form in ["repatriate", "repatriation", "repatriated", "repatriating"] {
        assert!(matched.contains(&form), "{form} in {matched:?}");
    }
}

#[test]
fn contexts_narrow_by_speaker_and_document_and_say_what_is_wrong() {
    let snap = engine().snapshot();
    let by = |speaker: Option<&str>, doc: Option<&str>| {
        study::contexts(
            &snap,
            &ContextsRequest {
                term: "border".into(),
                speaker: speaker.map(str::to_string),
                doc: doc.map(str::to_string),
                ..Default::default()
            },
            None,
        )
    };
    let all = by(None, None).unwrap();
    let ji = by(Some("Ji"), None).unwrap();
    assert!(ji.total > 0 && ji.total < all.total);
    assert!(ji
        .lines
        .iter()
        .all(|l| l.speaker.as_deref() == Some("Ji Pengfei")));
    assert_eq!(ji.speakers, ["Ji Pengfei"]);
    let doc = by(None, Some("121676")).unwrap();
    assert_eq!(doc.per_document.len(), 1);
    assert_eq!(doc.doc_id.as_deref(), Some("121676"));
    assert!(
        by(None, Some("99999")).is_err(),
        "an unknown document is an error"
    );
    let nobody = by(Some("Nobody Atall"), None).unwrap();
    assert_eq!(nobody.total, 0);
    assert!(nobody.note.unwrap().contains("No one called"));
    let none = study::contexts(
        &snap,
        &ContextsRequest {
            term: "?!".into(),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(none.total, 0);
    assert!(none.note.is_some());
}

#[test]
fn scopes_restrict_every_tool() {
    let snap = engine().snapshot();
    let scope: std::collections::BTreeSet<String> = ["118200".to_string()].into();
    let v = study::verify(
        &snap,
        &VerifyRequest {
            quote: "The Soviet Union is obligated to repatriate these people".into(),
            speaker: None,
        },
        Some(&scope),
    );
    assert_ne!(v.verdict, Verdict::Verbatim, "121676 is out of scope");
    assert!(v.closest.iter().all(|c| c.doc_id == "118200"));
    let c = study::contexts(
        &snap,
        &ContextsRequest {
            term: "border".into(),
            ..Default::default()
        },
        Some(&scope),
    )
    .unwrap();
    assert!(c.per_document.iter().all(|d| d.doc_id == "118200"));
    assert!(study::contexts(
        &snap,
        &ContextsRequest {
            term: "border".into(),
            doc: Some("121676".into()),
            ..Default::default()
        },
        Some(&scope),
    )
    .is_err());
    let t = study::trend(
        &snap,
        &TrendRequest {
            terms: vec!["border".into()],
            unit: Unit::Document,
        },
        Some(&scope),
    );
    assert_eq!(t.documents, 1);
    assert_eq!(t.series[0].points[0].doc_id.as_deref(), Some("118200"));
}

/// The words of a document as the index's analyzer counts them.
fn words_of(doc: &str) -> u64 {
    let mut a = archivist::index::schema::analyzer();
    let mut n = 0;
    for p in engine().passages_of(doc).unwrap() {
        let mut ts = a.token_stream(&p.text);
        while ts.advance() {
            n += 1;
        }
    }
    n
}

#[test]
fn trend_figures_agree_with_contexts_and_the_words_of_each_document() {
    let snap = engine().snapshot();
    let t = study::trend(
        &snap,
        &TrendRequest {
            terms: vec!["border, repatriate".into(), "normal conditions".into()],
            unit: Unit::Document,
        },
        None,
    );
    assert_eq!(t.terms, ["border", "repatriate", "normal conditions"]);
    assert_eq!(t.documents, engine().doc_ids().len());
    for s in &t.series {
        let c = study::contexts(
            &snap,
            &ContextsRequest {
                term: s.term.clone(),
                limit: 1,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        assert_eq!(s.total, c.total, "{}", s.term);
        let dates: Vec<&str> = s
            .points
            .iter()
            .map(|p| p.date.as_deref().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]));
        for p in &s.points {
            let id = p.doc_id.as_deref().unwrap();
            let in_contexts = c
                .per_document
                .iter()
                .find(|d| d.doc_id == id)
                .map_or(0, |d| d.count);
            assert_eq!(p.count, in_contexts, "{} in {id}", s.term);
            assert_eq!(p.words, words_of(id), "words of {id}");
            let per = (p.count as f64 * 10_000.0 / p.words as f64 * 100.0).round() / 100.0;
            assert_eq!(p.per_10k, per);
        }
    }
    let m = study::trend(
        &snap,
        &TrendRequest {
            terms: vec!["border".into()],
            unit: Unit::Month,
        },
        None,
    );
    let months: Vec<&str> = m.series[0]
        .points
        .iter()
        .map(|p| p.month.as_deref().unwrap())
        .collect();
    assert_eq!(months, ["1962-04", "1962-06"]);
    assert_eq!(m.series[0].total, t.series[0].total);
    assert_eq!(
        m.series[0].points.iter().map(|p| p.words).sum::<u64>(),
        t.series[0].points.iter().map(|p| p.words).sum::<u64>()
    );
}

#[test]
fn the_chart_decodes_is_big_enough_and_shows_the_json_numbers() {
    let snap = engine().snapshot();
    let t = study::trend(
        &snap,
        &TrendRequest {
            terms: vec!["border, repatriate, normal conditions".into()],
            unit: Unit::Document,
        },
        None,
    );
    let chart = study::chart::draw(&t, &study::chart::footer(&t, Some("Test Archive"))).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(chart.png.clone()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert!(
        frame.width >= 800 && frame.height >= 400,
        "{}×{}",
        frame.width,
        frame.height
    );
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    // The figures in the file are the JSON's, as CSV.
    let info = reader.info();
    let figures = info
        .utf8_text
        .iter()
        .find(|c| c.keyword == study::chart::DATA_CHUNK)
        .expect("figures chunk")
        .get_text()
        .unwrap();
    assert_eq!(figures, study::trend::csv(&t));
    for s in &t.series {
        for p in &s.points {
            assert!(figures.contains(&format!(",{},{},{:.2}\n", p.count, p.words, p.per_10k)));
        }
    }
    // Each point is drawn where its value puts it: the pixel there has its series' colour.
    let [left, top, right, bottom] = chart.plot;
    let n = t.series[0].points.len() as f64;
    let width = frame.width as usize;
    let rgb = |x: i32, y: i32| {
        let i = (y as usize * width + x as usize) * 3;
        (pixels[i], pixels[i + 1], pixels[i + 2])
    };
    for (k, s) in t.series.iter().enumerate() {
        for (i, p) in s.points.iter().enumerate() {
            let x = left as f64 + (i as f64 + 0.5) / n * (right - left) as f64;
            let y = bottom as f64 - p.per_10k / chart.y_max * (bottom - top) as f64;
            let (x, y) = (x.floor() as i32, y.round() as i32);
            let drawn = chart.points[k][i];
            assert!(
                (drawn.0 - x).abs() <= 1 && (drawn.1 - y).abs() <= 1,
                "{drawn:?} vs {x},{y}"
            );
            // The marker of this series, or of a later one drawn over it at the same value.
            let covers = |j: usize| {
                let q = &t.series[j].points[i];
                (q.per_10k - p.per_10k).abs() / chart.y_max * f64::from(bottom - top) < 4.0
                    && rgb(x, y) == study::chart::COLORS[j]
            };
            assert!(
                (k..t.series.len()).any(covers),
                "{} point {i} at {x},{y}: {:?}",
                s.term,
                rgb(x, y)
            );
        }
    }
}
