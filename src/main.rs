fn main() {
    let dir = std::env::args().nth(1).unwrap_or("seeds".into());
    let c = archivist::corpus::Corpus::load(
        std::path::Path::new(&dir),
        archivist::corpus::DEFAULT_CANONICAL_BASE,
    )
    .unwrap();
    for w in &c.warnings {
        eprintln!("warning: {w}");
    }
    for d in &c.documents {
        println!("== {:?}", d.meta);
        for s in &d.speakers {
            println!("  speaker {:?}", s);
        }
        for p in &d.passages {
            println!(
                "  #{} {:?} {:?} [{}] {}",
                p.n,
                p.kind,
                p.speaker.map(|i| &d.speakers[i].name),
                p.line,
                if std::env::var("FULL").is_ok() || p.n == 0 {
                    p.text.clone()
                } else {
                    p.text.chars().take(100).collect::<String>()
                }
            );
        }
    }
}
