//! Prints the text lines of images as qualkit-ocr reads them, with the time each took:
//! `cargo run --release -p qualkit-ocr --example read -- [--max-side N] [--rows | --chars] IMAGE…`
//! (`--rows`: the rows the fields are read from, and the fields; `--chars`: each line's
//! characters with their probability (a doubted one's runner-ups after it) and place along the line; `--line`: each image read as one
//! line already cut out)

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
    let rows = args.iter().any(|a| a == "--rows");
    let chars = args.iter().any(|a| a == "--chars");
    let line = args.iter().any(|a| a == "--line");
    args.retain(|a| a != "--rows" && a != "--chars" && a != "--line");
    let started = Instant::now();
    let reader = qualkit_ocr::Reader::new(qualkit_ocr::Models::locate()?)?.with_detect_options(options);
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
        let lines = if line { vec![reader.read_line(&page)?] } else { reader.read(&page)?.lines };
        println!("# {path}: {} lines in {} ms", lines.len(), started.elapsed().as_millis());
        if rows {
            qualkit_ocr::fields::rows_text(&lines).iter().for_each(|r| println!("{r}"));
            for field in qualkit_ocr::fields::business_licence(&lines) {
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
