//! Prints the text lines of images as qualkit-ocr reads them, with the time each took:
//! `cargo run --release -p qualkit-ocr --example read -- [--max-side N] [--rows | --chars] IMAGE…`
//! (`--rows`: the rows the fields are read from, and the fields; `--chars`: each line's
//! characters with their probability (a doubted one's runner-ups after it) and place along the
//! line; `--line`: each image read as one line already cut out; `--form trademark|icp|app`: the
//! fields of that form; `--id-card`: the rows and a resident ID card's fields; `--as-photographed`: photos taken at an angle read without being seen flat)

use std::time::Instant;

fn main() -> Result<(), qualkit_ocr::Error> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = qualkit_ocr::DetectOptions::default();
    if let Some(i) = args.iter().position(|a| a == "--max-side") {
        let value = args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or(options.max_side);
        options.max_side = value;
        options.min_side = options.min_side.min(value);
        args.drain(i..(i + 2).min(args.len()));
    }
    let form = match args.iter().position(|a| a == "--form") {
        Some(i) => {
            let form = match args.get(i + 1).map(String::as_str) {
                Some("trademark") => Some(qualkit_ocr::forms::Form::TrademarkCertificate),
                Some("icp") => Some(qualkit_ocr::forms::Form::IcpRecord),
                Some("app") => Some(qualkit_ocr::forms::Form::AppListing),
                other => return Err(qualkit_ocr::Error::Image(format!("--form trademark|icp|app, not {other:?}"))),
            };
            args.drain(i..(i + 2).min(args.len()));
            form
        }
        None => None,
    };
    let rows = args.iter().any(|a| a == "--rows");
    let id_card = args.iter().any(|a| a == "--id-card");
    args.retain(|a| a != "--id-card");
    let as_photographed = args.iter().any(|a| a == "--as-photographed");
    args.retain(|a| a != "--as-photographed");
    let chars = args.iter().any(|a| a == "--chars");
    let line = args.iter().any(|a| a == "--line");
    args.retain(|a| a != "--rows" && a != "--chars" && a != "--line");
    let started = Instant::now();
    let reader = qualkit_ocr::Reader::new(qualkit_ocr::Models::locate()?)?
        .with_detect_options(options)
        .with_flattening(!as_photographed);
    eprintln!("models loaded in {} ms", started.elapsed().as_millis());
    for path in args {
        // By content, not by extension: some .jpg files hold PNG data.
        let decoded = image::ImageReader::open(&path).and_then(|r| r.with_guessed_format());
        let page = decoded
            .map_err(|e| qualkit_ocr::Error::Image(e.to_string()))?
            .decode()
            .map_err(|e| qualkit_ocr::Error::Image(e.to_string()))?
            .to_rgb8();
        let started = Instant::now();
        if let Some(form) = form {
            let text = reader.read(&page)?;
            println!(
                "# {path}: {} lines in {} ms, flattened: {}",
                text.lines.len(),
                started.elapsed().as_millis(),
                text.was_flattened()
            );
            for field in qualkit_ocr::forms::read(form, &text) {
                println!("{:<20}{} {:?}", field.key, field.value, field.uncertain);
            }
            continue;
        }
        let text = if line { None } else { Some(reader.read(&page)?) };
        let flattened = text.as_ref().is_some_and(|t| t.was_flattened());
        let lines = match text {
            Some(text) => text.lines,
            None => vec![reader.read_line(&page)?],
        };
        println!("# {path}: {} lines in {} ms, flattened: {flattened}", lines.len(), started.elapsed().as_millis());
        if rows || id_card {
            qualkit_ocr::fields::rows_text(&lines).iter().for_each(|r| println!("{r}"));
            let fields = if id_card {
                qualkit_ocr::fields::id_card(&lines)
            } else {
                qualkit_ocr::fields::business_licence(&lines)
            };
            for field in fields {
                let probs: Vec<String> = field.probs.iter().map(|p| format!("{p:.2}")).collect();
                println!("{:<20}{} {:?} {}", field.key, field.value, field.uncertain, probs.join(" "));
            }
            continue;
        }
        for line in lines {
            let (x, y, _, _) = line.quad.bounds();
            println!("{x:>6.0},{y:<6.0} {:.2} {}", line.min_prob(), line.text());
            if chars {
                let quad_w = line.quad.width();
                let cs: Vec<String> = line
                    .chars
                    .iter()
                    .map(|c| {
                        // A doubted character shows the model's runner-ups after it.
                        let runner_ups: String = if c.prob < qualkit_ocr::fields::UNSURE_BELOW {
                            c.alternatives.iter().map(|(t, p)| format!("|{t}{p:.2}")).collect()
                        } else {
                            String::new()
                        };
                        format!("{}{:.2}{runner_ups}@{:.0}-{:.0}", c.text, c.prob, c.span.0 * quad_w, c.span.1 * quad_w)
                    })
                    .collect();
                let corners: Vec<String> = line.quad.0.iter().map(|(x, y)| format!("{x:.0},{y:.0}")).collect();
                println!("        [{}] {}", corners.join(" "), cs.join(" "));
            }
        }
    }
    Ok(())
}
