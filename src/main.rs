//! The `qualkit` command line: a thin layer over the library. The contract it keeps is
//! shared/spec/cli.md: `--json` gives one JSON document on stdout, reports are in `--lang`,
//! logs go to stderr, and the exit code is 0 (fine), 1 (something invalid or blocking) or
//! 2 (usage error or unreadable input, nothing written).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use serde_json::json;

use qualkit::case::{ApplicantKind, Role, SignatureSource, TemplateType, VarType, Vendor};
use qualkit::i18n::{localize, mask, pick};
use qualkit::icp::{FilingType, IcpEvent, IcpPlan, IcpTracker, MessageStatus, Responsible};
use qualkit::ident::{self, IdKind, Validation};
use qualkit::lint::{self, SignatureContext, TemplateInput};
use qualkit::ocr::FileResult;
use qualkit::profile::VendorProfile;
use qualkit::reading::DocKind;
use qualkit::requirements::{CheckReport, Finding, Severity, Status};
use qualkit::store::{Case, CaseSummary};
use qualkit::{Error, Lang, Store};

#[derive(Parser)]
#[command(
    name = "qualkit",
    version,
    about = "资质助手 — 短信资质材料的整理与核对（离线）\nqualkit — prepares and checks SMS qualification packages, offline"
)]
struct Cli {
    /// One JSON document on stdout instead of a readable report.
    #[arg(long, global = true)]
    json: bool,
    /// Language of reports and errors.
    #[arg(long, global = true, value_enum, default_value = "zh")]
    lang: LangArg,
    /// Where cases, materials and the database live (default: the platform data directory,
    /// or $QUALKIT_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

#[derive(Subcommand)]
enum Command {
    /// Check identifiers: unified social credit codes, ID numbers, ICP numbers, trademark numbers.
    Validate {
        #[arg(value_enum)]
        kind: KindArg,
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// The MIIT filing verification SMS: who receives it, and its state for a case.
    #[command(subcommand)]
    Icp(IcpCommand),
    /// The case store itself: copy every case to a team store or back to a data folder.
    #[command(subcommand)]
    Store(StoreCommand),
    /// A client's package: import, list, show, add materials, delete, check.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Check a signature name or a template text against a vendor's rules.
    #[command(subcommand)]
    Lint(LintCommand),
    /// Read documents with OCR, field by field (licences, trademark certificates, ICP records,
    /// app-store listings, resident ID cards: either side, a copy of both, or held in hand).
    Ocr {
        #[arg(long, value_parser = ["business-license", "trademark-certificate", "icp-record", "app-listing", "id-card"])]
        kind: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Generate a document as PDF: the authorization letter, the commitment letter, or the
    /// review report of a case.
    Doc(DocArgs),
    /// Make material files ready for a vendor's upload form: an accepted format, under the size
    /// limit while legible, a safe file name, no EXIF, and an optional diagonal watermark.
    Prepare(PrepareArgs),
    /// Every case with its coming deadlines (licence term, letter and trademark validity, MIIT
    /// SMS countdowns, carrier reporting) and each vendor's submission status, soonest first.
    Portfolio {
        /// Only what is due within this long (30d, 48h, 2w), overdue included.
        #[arg(long, value_name = "DURATION")]
        due: Option<String>,
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: Option<String>,
        /// Only cases whose latest submission is pending, approved or rejected.
        #[arg(long, value_parser = ["pending", "approved", "rejected"])]
        status: Option<String>,
        /// Only cases this staff member changed or submitted.
        #[arg(long, value_name = "NAME")]
        staff: Option<String>,
        /// Comma-separated values, one deadline a row.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// The reasons vendors gave for returning packages, counted, with the rules they match;
    /// those matching none are what the rules should learn next.
    Rejections,
    /// This data folder's settings: --staff NAME sets who the history records (empty clears it);
    /// --database-url postgres://… puts the cases on a team store, once it answers (empty: back
    /// to this data folder's own store). The password is shown masked.
    Settings {
        #[arg(long, value_name = "NAME")]
        staff: Option<String>,
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
    /// Every rule and vendor limit qualkit checks, with its public source and the date that
    /// source was last checked.
    Rules {
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: Option<String>,
        /// Only those whose source was not checked in the last MONTHS months.
        #[arg(long, value_name = "MONTHS")]
        stale: Option<u32>,
    },
}

#[derive(Args)]
struct PrepareArgs {
    #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
    vendor: String,
    /// What the files are (the authorization letter may be a PDF where the vendor takes one).
    #[arg(long, value_parser = Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(), default_value = "other")]
    role: String,
    /// Add a diagonal watermark; without TEXT: 仅供<vendor>短信签名报备使用.
    #[arg(long, value_name = "TEXT", num_args = 0..=1, default_missing_value = "")]
    watermark: Option<String>,
    /// The folder to write the prepared files to (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Args)]
struct DocArgs {
    #[arg(value_parser = ["authorization-letter", "commitment-letter", "review-report"])]
    kind: String,
    id: String,
    /// The vendor whose letter this is (required for letters; the report covers every vendor
    /// of the case without it).
    #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
    vendor: Option<String>,
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Fill this template text (e.g. the vendor's own letter with {{placeholders}} added)
    /// instead of the built-in one; its fixed text is printed unchanged. Placeholders:
    /// vendor/厂商, applicant_name/申请方, applicant_uscc, applicant_id_number/身份证号码,
    /// legal_rep/法定代表人, owner_name/授权方, owner_uscc, signatures/签名, valid_from, valid_to,
    /// date/日期, handler_name/经办人, handler_phone, landing_name/应用名称, landing_domain/域名,
    /// icp_number/备案号, scenario/使用场景. Layout lines: assets/letters/README.md.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// The date printed on the letter (default today), YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<chrono::NaiveDate>,
    /// Start of the authorization's validity (default: the letter's date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    valid_from: Option<chrono::NaiveDate>,
    /// End of the authorization's validity (default: twelve months after the start).
    #[arg(long, value_name = "YYYY-MM-DD")]
    valid_to: Option<chrono::NaiveDate>,
    /// A further signature the letter authorises, besides the case's own (repeatable).
    #[arg(long = "signature", value_name = "NAME")]
    signatures: Vec<String>,
}

#[derive(Subcommand)]
enum LintCommand {
    /// A signature name: length, characters, neutral or test names, and its source.
    Signature {
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: String,
        /// The licensed company name the signature must be a contiguous part of.
        #[arg(long)]
        company: Option<String>,
        /// Where the signature comes from (default: company when --company is given).
        #[arg(long, value_parser = ["company", "app", "trademark"])]
        source: Option<String>,
        /// The App's service name on its ICP record (for --source app).
        #[arg(long)]
        app: Option<String>,
        /// The registered mark (for --source trademark).
        #[arg(long)]
        mark: Option<String>,
        name: String,
    },
    /// A template text: variables, symbols, links, numbers, marketing words, length and segments.
    Template {
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: String,
        #[arg(long = "type", value_parser = ["verification", "notification", "marketing"])]
        kind: String,
        #[arg(long, value_parser = ["enterprise", "individual"], default_value = "enterprise")]
        applicant: String,
        /// The signature the message is sent under, for the billed length.
        #[arg(long)]
        signature: Option<String>,
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        text: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
        /// An example value of a variable, checked and counted in the length: --var code=123456
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// A variable's type (code, alnum-code, phone, time, money, name, number, text); the
        /// undeclared ones are inferred: --var-type amount=money
        #[arg(long = "var-type", value_name = "NAME=TYPE")]
        var_types: Vec<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Uscc,
    Ric,
    Icp,
    Trademark,
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Copies every case, with its materials (each checked by its SHA-256), history,
    /// submissions and readings, from one store to another. A case already there is left as it
    /// is, so an interrupted copy is finished by running it again. Each store is a team store's
    /// postgres:// address or a data folder.
    Copy {
        /// Where the cases are; default: the store this data folder uses.
        #[arg(long, value_name = "URL|FOLDER")]
        from: Option<String>,
        #[arg(long, value_name = "URL|FOLDER")]
        to: String,
    },
}

#[derive(Subcommand)]
enum IcpCommand {
    /// Who receives the verification SMS for a filing type.
    Plan(PlanArgs),
    /// The stored plan of a case with each message's state and countdown.
    Status { id: String },
    /// Record that a message was sent, resent or verified.
    Mark {
        id: String,
        #[arg(long, value_parser = ["subject", "site"])]
        role: String,
        #[arg(long, value_parser = ["sent", "resent", "verified"])]
        event: String,
    },
}

#[derive(Args)]
struct PlanArgs {
    #[arg(long = "type", value_parser = FilingType::ALL.map(FilingType::as_str))]
    filing_type: String,
    #[arg(long)]
    subject_phone: Option<String>,
    #[arg(long)]
    site_phone: Option<String>,
    /// Store the plan in this case so its messages can be tracked.
    #[arg(long, value_name = "ID")]
    case: Option<String>,
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Import a case folder (case.toml and the files it names), or a bundle folder or zip that
    /// `case export` wrote (its files are checked against its manifest first).
    Import { dir: PathBuf },
    /// List the cases.
    List,
    /// Show one case.
    Show { id: String },
    /// Add a material file to a case.
    Add {
        id: String,
        #[arg(long, value_parser = Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>())]
        role: String,
        file: PathBuf,
    },
    /// Delete a case and the material files only it used.
    Delete { id: String },
    /// Record what a material shows, as a person read or corrected it: --set name=… --set uscc=…
    Confirm {
        id: String,
        #[arg(long, value_parser = Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>())]
        role: String,
        /// Which material of that role (its number in `case show --json`); default the first.
        #[arg(long)]
        material: Option<i64>,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Write the submission bundle for one vendor: a folder, or a zip when PATH ends in .zip.
    /// Refuses (exit 1, nothing written) while blocking findings remain, unless --force.
    Export {
        id: String,
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Write it anyway; the blocking findings are recorded in manifest.json.
        #[arg(long)]
        force: bool,
        /// The date printed on the letters (default today), YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<chrono::NaiveDate>,
    },
    /// The checklist (and findings) per vendor.
    Check {
        id: String,
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: Option<String>,
    },
    /// Set case fields by path: applicant.name=… landing.domain=… templates.0.text=…; an empty
    /// value removes one. With --base, refused if someone saved the case since that version.
    Set {
        id: String,
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
        /// The version the change is based on (`case show --json`'s `version`).
        #[arg(long, value_name = "VERSION")]
        base: Option<i64>,
    },
    /// What changed, when and by whom, oldest first.
    History { id: String },
    /// Record that the case was submitted to a vendor.
    Submit {
        id: String,
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: String,
        /// What was submitted: qualification, signature, templates (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "qualification,signature,templates")]
        items: Vec<String>,
        /// When (RFC 3339 or YYYY-MM-DD; default now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Record the vendor's answer to the latest submission: --approved, or --rejected with the
    /// reviewer's reason as pasted.
    Decide {
        id: String,
        #[arg(long, value_parser = Vendor::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())]
        vendor: String,
        #[arg(long, conflicts_with = "rejected", required_unless_present = "rejected")]
        approved: bool,
        #[arg(long, value_name = "REASON")]
        rejected: Option<String>,
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// The case's submissions and the vendors' answers, each rejection with the rules behind it.
    Submissions { id: String },
}

/// What a command produced: a value to print and the exit code it means.
struct Output {
    json: serde_json::Value,
    text: String,
    exit: Exit,
}

#[derive(Clone, Copy, PartialEq)]
enum Exit {
    Fine = 0,
    /// Something invalid or blocking.
    Failed = 1,
    /// Some input could not be read (reported with the rest of the output).
    Unreadable = 2,
}

impl Exit {
    fn failed_if(failed: bool) -> Exit {
        if failed { Exit::Failed } else { Exit::Fine }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Only commands that OCR pay for the re-execution that turns ONNX Runtime's telemetry off.
    let reads = match &cli.command {
        Command::Ocr { .. } | Command::Case(CaseCommand::Check { .. } | CaseCommand::Export { .. }) => true,
        Command::Doc(args) => args.kind == "review-report",
        _ => false,
    };
    if reads {
        qualkit::ocr::set_up_reading_process();
    }
    let lang = match cli.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    match check_argument_lengths().and_then(|()| run(&cli, lang)) {
        Ok(output) => {
            if cli.json {
                let mut value = output.json;
                localize(&mut value, lang);
                match serde_json::to_string_pretty(&value) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("qualkit: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else if !output.text.is_empty() {
                print!("{}", output.text);
            }
            ExitCode::from(output.exit as u8)
        }
        Err(e) => {
            let prefix = if lang == Lang::Zh { "错误" } else { "error" };
            eprintln!("qualkit: {prefix}: {}", e.message(lang).replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

/// A store named on the command line: a team store's address, or a data folder (created if
/// new). A team store keeps this desktop's copies of its files in `cache`, the data folder.
fn open_place(place: &str, cache: &std::path::Path) -> qualkit::Result<Store> {
    if qualkit::store::TeamUrl::is_address(place) {
        Store::open_team(cache, &qualkit::store::TeamUrl::parse(place)?)
    } else {
        Store::open(std::path::Path::new(place))
    }
}

/// The longest command-line argument taken: a template's text (at most 1000 characters at any
/// vendor, `case::LIMITS`) with room for its options; anything longer is a paste gone wrong.
const MAX_ARGUMENT_CHARS: usize = 4096;

/// `2026-12-01  template.marketing_opt_out  [tencent 拒收请回复R]  阻断  https://… (checked …)`
fn listed_text(entry: &qualkit::rules::Listed, lang: Lang) -> String {
    let checked = entry.checked.map_or_else(|| "----------".to_string(), |d| d.to_string());
    let vendor = match (&entry.vendor, &entry.value) {
        (Some(v), Some(value)) => format!("  [{v} {value}]"),
        (Some(v), None) => format!("  [{v}]"),
        _ => String::new(),
    };
    format!("{checked}  {}{vendor}  {}  {}", entry.rule, entry.severity.label().get(lang), entry.source)
}

fn check_argument_lengths() -> qualkit::Result<()> {
    for (n, arg) in std::env::args_os().enumerate().skip(1) {
        let chars = arg.to_string_lossy().chars().count();
        if chars > MAX_ARGUMENT_CHARS {
            return Err(qualkit::Error::input(
                format!(
                    "第 {n} 个参数过长：{chars} 个字符，最多 {MAX_ARGUMENT_CHARS} 个（模板最长 1000 字符，另留余量）"
                ),
                format!(
                    "argument {n} is too long: {chars} characters, at most {MAX_ARGUMENT_CHARS} (a template has at most 1000, with room)"
                ),
            ));
        }
    }
    Ok(())
}

fn run(cli: &Cli, lang: Lang) -> qualkit::Result<Output> {
    let open_store = || -> qualkit::Result<Store> {
        let dir = cli.data_dir.clone().unwrap_or_else(qualkit::default_data_dir);
        Store::open_configured(&dir)
    };
    match &cli.command {
        Command::Validate { kind, values } => {
            let kind = match kind {
                KindArg::Uscc => IdKind::Uscc,
                KindArg::Ric => IdKind::Ric,
                KindArg::Icp => IdKind::Icp,
                KindArg::Trademark => IdKind::Trademark,
            };
            let results: Vec<Validation> = values.iter().map(|v| ident::validate(kind, v)).collect();
            let failed = results.iter().any(|r| !r.valid);
            let text = results.iter().map(|r| validation_text(r, lang)).collect();
            Ok(Output { json: to_json(&results)?, text, exit: Exit::failed_if(failed) })
        }
        Command::Rules { vendor, stale } => {
            let vendor = vendor.as_deref().and_then(Vendor::parse);
            let today = chrono::Local::now().date_naive();
            let mut listed = qualkit::rules::listing(vendor)?;
            if let Some(months) = stale {
                listed.retain(|entry| qualkit::rules::stale(entry, *months, today));
            }
            let text = listed.iter().map(|e| listed_text(e, lang)).collect::<Vec<_>>().join("\n");
            Ok(Output { json: to_json(&listed)?, text, exit: Exit::Fine })
        }
        Command::Icp(IcpCommand::Plan(args)) => {
            let filing_type = FilingType::parse(&args.filing_type)
                .ok_or_else(|| Error::input("未知的备案类型", "unknown filing type"))?;
            let plan = IcpPlan::new(filing_type, args.subject_phone.as_deref(), args.site_phone.as_deref())?;
            if let Some(id) = &args.case {
                open_store()?.set_icp_plan(id, &plan)?;
            }
            Ok(Output { json: to_json(&plan)?, text: plan_text(&plan, lang), exit: Exit::Fine })
        }
        Command::Icp(IcpCommand::Status { id }) => {
            let tracker = open_store()?.icp_tracker(id)?.ok_or_else(|| no_plan(id))?;
            Ok(Output { json: to_json(&tracker)?, text: tracker_text(&tracker, lang), exit: Exit::Fine })
        }
        Command::Icp(IcpCommand::Mark { id, role, event }) => {
            let mut store = open_store()?;
            // Named first, so a case without a plan gets the CLI's own hint.
            store.icp_tracker(id)?.ok_or_else(|| no_plan(id))?;
            let role = Responsible::parse(role).ok_or_else(|| Error::input("未知的角色", "unknown role"))?;
            let event = IcpEvent::parse(event).ok_or_else(|| Error::input("未知的事件", "unknown event"))?;
            let tracker = qualkit::record_icp_event(&mut store, id, role, event, chrono::Utc::now())?;
            Ok(Output { json: to_json(&tracker)?, text: tracker_text(&tracker, lang), exit: Exit::Fine })
        }
        Command::Case(command) => case_command(command, open_store()?, lang),
        Command::Portfolio { due, vendor, status, staff, csv } => {
            let filter = qualkit::portfolio::Filter {
                due_within: qualkit::portfolio::due_within(due.as_deref())?,
                vendor: vendor.as_deref().and_then(Vendor::parse),
                status: status.clone(),
                staff: staff.clone(),
            };
            let entries = qualkit::portfolio::portfolio(&open_store()?, chrono::Utc::now(), &filter)?;
            let text =
                if *csv { qualkit::portfolio::csv(&entries, lang) } else { qualkit::portfolio::text(&entries, lang) };
            Ok(Output { json: to_json(&entries)?, text, exit: Exit::Fine })
        }
        Command::Settings { staff, database_url } => {
            let dir = cli.data_dir.clone().unwrap_or_else(qualkit::default_data_dir);
            let mut settings = qualkit::settings::Settings::load(&dir);
            if let Some(name) = staff {
                settings.set_staff(name)?;
            }
            if let Some(url) = database_url {
                settings.set_database_url(&dir, url)?;
            }
            if staff.is_some() || database_url.is_some() {
                settings.save(&dir)?;
            }
            let who = qualkit::history::staff(&dir);
            let team = qualkit::store::configured_team_url(&dir)?.map(|url| url.shown().to_string());
            let store = team.clone().unwrap_or_else(|| dir.join("qualkit.db").display().to_string());
            let text = pick(
                lang,
                &format!("记录为：{who}\n案卷库：{store}\n"),
                &format!("recorded as: {who}\ncase store: {store}\n"),
            );
            let json = json!({
                "staff": settings.staff,
                "recorded_as": who,
                "database_url": settings.database_url_shown(),
                "team_store": team,
            });
            Ok(Output { json, text, exit: Exit::Fine })
        }
        Command::Store(StoreCommand::Copy { from, to }) => {
            let dir = cli.data_dir.clone().unwrap_or_else(qualkit::default_data_dir);
            let source = match from {
                Some(place) => open_place(place, &dir)?,
                None => open_store()?,
            };
            let mut target = open_place(to, &dir)?;
            let report = qualkit::store::copy_cases(&source, &mut target, |id, done, all| {
                eprintln!("qualkit: {done}/{all} {id}");
            })?;
            let mb = report.bytes as f64 / 1_048_576.0;
            let (copied, there) = (report.copied.len(), report.already_there.len());
            let text = pick(
                lang,
                &format!(
                    "已复制 {copied} 个案卷（{} 份材料，{mb:.1} MB）；目标中已有 {there} 个，未改动\n",
                    report.materials
                ),
                &format!(
                    "copied {copied} cases ({} materials, {mb:.1} MB); {there} already there, left as they are\n",
                    report.materials
                ),
            );
            Ok(Output { json: to_json(&report)?, text, exit: Exit::Fine })
        }
        Command::Rejections => {
            let counted = qualkit::submission::counted_reasons(&open_store()?)?;
            let text = qualkit::submission::counted_text(&counted, lang);
            Ok(Output { json: to_json(&counted)?, text, exit: Exit::Fine })
        }
        Command::Lint(command) => lint_command(command, lang),
        Command::Ocr { kind, files } => ocr_command(kind, files, lang),
        Command::Doc(args) => doc_command(args, open_store()?, lang),
        Command::Prepare(args) => prepare_command(args, lang),
    }
}

fn prepare_command(args: &PrepareArgs, lang: Lang) -> qualkit::Result<Output> {
    use qualkit::upload;
    let vendor = Vendor::parse(&args.vendor).ok_or_else(|| Error::input("未知的厂商", "unknown vendor"))?;
    let role = Role::parse(&args.role).ok_or_else(|| Error::input("未知的材料类型", "unknown role"))?;
    let profile = VendorProfile::get(vendor)?;
    let options = upload::FitOptions {
        watermark: args
            .watermark
            .as_ref()
            .map(|t| if t.is_empty() { upload::default_watermark(profile) } else { t.clone() }),
    };
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let mut taken: Vec<String> = Vec::new();
    let mut json = Vec::new();
    let mut text = String::new();
    let mut failed = false;
    for file in &args.files {
        let shown = file.display().to_string();
        let result = upload::fit_for_vendor(file, role, profile, &options).and_then(|fitted| {
            let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let mut name = upload::safe_file_name(&stem, &fitted.extension, profile, role.as_str());
            // Two inputs with the same safe name get -2, -3 …
            let mut n = 1;
            while taken.contains(&name) {
                n += 1;
                name = upload::safe_file_name(
                    &format!("{stem}-{n}"),
                    &fitted.extension,
                    profile,
                    &format!("{}-{n}", role.as_str()),
                );
            }
            taken.push(name.clone());
            let path = args.out.join(&name);
            qualkit::write_file_atomically(&path, &fitted.bytes)?;
            Ok((path, fitted))
        });
        match result {
            Ok((path, fitted)) => {
                let changes: Vec<&str> = fitted.changes.iter().map(|c| c.get(lang)).collect();
                json.push(json!({
                    "file": shown,
                    "path": path.display().to_string(),
                    "bytes": fitted.bytes.len(),
                    "width": fitted.width,
                    "height": fitted.height,
                    "unchanged": fitted.unchanged,
                    "changes": changes,
                }));
                let size = upload::size_text(fitted.bytes.len() as u64);
                text.push_str(&format!("{shown} → {} ({size})\n", path.display()));
                for change in changes {
                    text.push_str(&format!("  · {change}\n"));
                }
            }
            Err(e) => {
                failed = true;
                json.push(json!({ "file": shown, "error": e.message(lang) }));
                text.push_str(&format!("{shown}\n  ✗ {}\n", e.message(lang)));
            }
        }
    }
    let exit = if failed { Exit::Unreadable } else { Exit::Fine };
    Ok(Output { json: serde_json::Value::Array(json), text, exit })
}

fn doc_command(args: &DocArgs, mut store: Store, lang: Lang) -> qualkit::Result<Output> {
    let kind = match args.kind.as_str() {
        "authorization-letter" => qualkit::DocumentKind::AuthorizationLetter,
        "commitment-letter" => qualkit::DocumentKind::CommitmentLetter,
        _ => qualkit::DocumentKind::ReviewReport,
    };
    let vendor = args.vendor.as_deref().and_then(Vendor::parse);
    let mut options =
        qualkit::letter::LetterOptions::new(args.date.unwrap_or_else(|| chrono::Local::now().date_naive()));
    options.valid_from = args.valid_from;
    options.valid_to = args.valid_to;
    options.extra_signatures = args.signatures.clone();
    if let Some(path) = &args.template {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::input(
                format!(
                    "模板 {} 不是 UTF-8 文本（可能是 GBK 编码或 Word 文件）：请另存为 UTF-8 纯文本",
                    path.display()
                ),
                format!(
                    "the template {} is not UTF-8 text (GBK, or a Word file?): save it as UTF-8 plain text",
                    path.display()
                ),
            )
        })?;
        options.template = Some(text.trim_start_matches('\u{feff}').to_string());
    }
    let generated = qualkit::generate_document(&mut store, &args.id, kind, vendor, &options, lang)?;
    qualkit::write_file_atomically(&args.out, &generated.pdf)?;
    let path = args.out.display().to_string();
    let json = json!({
        "path": path,
        "pages": generated.pages,
        "bytes": generated.pdf.len(),
        "warnings": generated.warnings,
    });
    let mut text = match lang {
        Lang::Zh => format!("已生成 {path}（{} 页，{} 字节）\n", generated.pages, generated.pdf.len()),
        Lang::En => format!("wrote {path} ({} pages, {} bytes)\n", generated.pages, generated.pdf.len()),
    };
    for warning in &generated.warnings {
        text.push_str(&format!("  ! {}\n", warning.get(lang)));
    }
    Ok(Output { json, text, exit: Exit::Fine })
}

fn lint_command(command: &LintCommand, lang: Lang) -> qualkit::Result<Output> {
    let profile_of = |vendor: &str| {
        let vendor = Vendor::parse(vendor).ok_or_else(|| Error::input("未知的厂商", "unknown vendor"))?;
        VendorProfile::get(vendor)
    };
    match command {
        LintCommand::Signature { vendor, company, source, app, mark, name } => {
            let profile = profile_of(vendor)?;
            let context = SignatureContext {
                source: source.as_deref().and_then(SignatureSource::parse),
                company: company.as_deref(),
                app_name: app.as_deref(),
                mark: mark.as_deref(),
            };
            let lint = lint::lint_signature(profile, name, &context)?;
            let failed = lint.findings.iter().any(|f| f.severity == Severity::Block);
            let text = findings_text(&lint.findings, lang, name);
            Ok(Output { json: to_json(&lint)?, text, exit: Exit::failed_if(failed) })
        }
        LintCommand::Template { vendor, kind, applicant, signature, text, file, vars, var_types } => {
            let profile = profile_of(vendor)?;
            let template = match (text, file) {
                (Some(text), _) => text.clone(),
                (None, Some(file)) => std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?,
                (None, None) => {
                    return Err(Error::input(
                        "请用 --text 或 --file 给出模板",
                        "give the template with --text or --file",
                    ));
                }
            };
            let values = vars
                .iter()
                .map(|var| key_value(var, "--var", "名称=值", "NAME=VALUE"))
                .collect::<qualkit::Result<std::collections::BTreeMap<_, _>>>()?;
            let types = var_types
                .iter()
                .map(|arg| {
                    let (name, kind) = key_value(arg, "--var-type", "名称=类型", "NAME=TYPE")?;
                    let kind = VarType::parse(kind.trim()).ok_or_else(|| unknown_var_type(&kind))?;
                    Ok((name, kind))
                })
                .collect::<qualkit::Result<std::collections::BTreeMap<_, _>>>()?;
            let input = TemplateInput {
                kind: TemplateType::parse(kind)
                    .ok_or_else(|| Error::input("未知的模板类型", "unknown template type"))?,
                text: template.trim_end_matches(['\n', '\r']),
                applicant: ApplicantKind::parse(applicant)
                    .ok_or_else(|| Error::input("未知的主体类型", "unknown applicant kind"))?,
                signature: signature.as_deref(),
                values: &values,
                types: &types,
            };
            let lint = lint::lint_template(profile, &input)?;
            let failed = lint.findings.iter().any(|f| f.severity == Severity::Block);
            let mut text = findings_text(&lint.findings, lang, input.text);
            text.push_str(&variables_text(&lint.variables, lang));
            text.push_str(&pick(
                lang,
                &format!("长度：{} 字，{} 条计费\n", lint.length.chars, lint.length.segments),
                &format!("length: {} characters, billed as {}\n", lint.length.chars, lint.length.segments),
            ));
            Ok(Output { json: to_json(&lint)?, text, exit: Exit::failed_if(failed) })
        }
    }
}

/// Findings as readable lines, the checked text's span underlined where a finding has one.
/// `qualkit ocr`: every file is read; one that cannot be gets its own error (exit 2 at the end).
fn ocr_command(kind: &str, files: &[PathBuf], lang: Lang) -> qualkit::Result<Output> {
    let kind = DocKind::parse(kind)
        .ok_or_else(|| Error::input(format!("未知的文档类型 {kind}"), format!("unknown document kind {kind}")))?;
    let results = qualkit::ocr::read_files(files, kind)?;
    let mut json = Vec::new();
    let mut text = String::new();
    let mut failed = false;
    for FileResult { path, result } in results {
        let file = path.display().to_string();
        match result {
            Ok(out) => {
                json.push(json!({
                    "file": file,
                    "kind": kind.as_str(),
                    "fields": out.reading.fields,
                    "text": out.reading.text,
                    "warnings": out.warnings,
                    "elapsed_ms": out.elapsed_ms,
                }));
                text.push_str(&format!("{file}  ({:.1} s)\n", out.elapsed_ms as f64 / 1000.0));
                for key in kind.fields() {
                    let Some(field) = out.reading.fields.get(*key) else { continue };
                    let marks: String = field
                        .value
                        .chars()
                        .enumerate()
                        .map(|(i, _)| if field.uncertain.contains(&i) { '^' } else { ' ' })
                        .collect();
                    text.push_str(&format!("  {key:<20}{}\n", field.value));
                    if !field.uncertain.is_empty() {
                        let note =
                            if lang == Lang::Zh { "← 不确定，请核对" } else { "← unsure, please confirm" };
                        text.push_str(&format!("  {:<20}{}  {note}\n", "", marks.trim_end()));
                    }
                }
                for warning in &out.warnings {
                    text.push_str(&format!("  ! {}\n", warning.get(lang)));
                }
            }
            Err(e) => {
                failed = true;
                json.push(json!({ "file": file, "kind": kind.as_str(), "error": e.message(lang) }));
                let prefix = if lang == Lang::Zh { "错误" } else { "error" };
                text.push_str(&format!("{file}\n  {prefix}: {}\n", e.message(lang)));
            }
        }
    }
    // Unreadable input is exit 2 (cli.md), after every readable file has been reported.
    let exit = if failed { Exit::Unreadable } else { Exit::Fine };
    Ok(Output { json: serde_json::Value::Array(json), text, exit })
}

fn findings_text(findings: &[Finding], lang: Lang, checked: &str) -> String {
    if findings.is_empty() {
        return pick(lang, "✓ 没有发现问题\n", "✓ no findings\n");
    }
    let mut out = String::new();
    for f in findings {
        out.push_str(&finding_line(f, lang));
        if let Some([start, end]) = f.span {
            let before: String = checked.chars().take(start).collect();
            let marked: String = checked.chars().skip(start).take(end.saturating_sub(start)).collect();
            out.push_str(&format!("      {before}»{marked}«\n"));
        }
    }
    out
}

fn finding_line(f: &Finding, lang: Lang) -> String {
    let severity = f.severity.label().get(lang).to_string();
    format!("  [{severity}] {} {}\n      → {}\n", f.rule, f.message.get(lang), f.fix.get(lang))
}

fn case_command(command: &CaseCommand, mut store: Store, lang: Lang) -> qualkit::Result<Output> {
    match command {
        CaseCommand::Import { dir } => {
            let id = qualkit::export::import_case(&mut store, dir)?;
            eprintln!("{}", pick(lang, &format!("已导入案卷 {id}"), &format!("imported case {id}")));
            Ok(Output { json: json!({ "id": id }), text: format!("{id}\n"), exit: Exit::Fine })
        }
        CaseCommand::List => {
            let cases = store.list_cases()?;
            Ok(Output { json: to_json(&cases)?, text: list_text(&cases, lang), exit: Exit::Fine })
        }
        CaseCommand::Show { id } => {
            let case = store.case(id)?;
            Ok(Output { json: to_json(&case)?, text: case_text(&case, lang), exit: Exit::Fine })
        }
        CaseCommand::Add { id, role, file } => {
            let role = Role::parse(role).ok_or_else(|| Error::input("未知的材料角色", "unknown material role"))?;
            let material = store.add_material(id, role, file)?;
            let text = pick(
                lang,
                &format!("已添加 {}：{}（{} 字节）\n", role.label().zh, material.original_name, material.size),
                &format!("added {}: {} ({} bytes)\n", role.label().en, material.original_name, material.size),
            );
            Ok(Output { json: to_json(&material)?, text, exit: Exit::Fine })
        }
        CaseCommand::Delete { id } => {
            store.delete_case(id)?;
            let text = pick(lang, &format!("已删除案卷 {id}\n"), &format!("deleted case {id}\n"));
            Ok(Output { json: json!({ "id": id, "deleted": true }), text, exit: Exit::Fine })
        }
        CaseCommand::Confirm { id, role, material, fields } => {
            let role = Role::parse(role).ok_or_else(|| Error::input("未知的材料角色", "unknown material role"))?;
            let material = match material {
                Some(m) => *m,
                None => store.case(id)?.materials_with_role(role).next().map(|m| m.id).ok_or_else(|| {
                    Error::input(
                        format!("案卷 {id} 没有{}", role.label().zh),
                        format!("case {id} has no {}", role.label().en),
                    )
                })?,
            };
            let pairs = fields
                .iter()
                .map(|field| key_value(field, "--set", "字段=值", "FIELD=VALUE"))
                .collect::<qualkit::Result<Vec<_>>>()?;
            let reading = store.confirm_fields(id, material, &pairs)?;
            let text = pick(lang, "已记录材料上的字段\n", "recorded what the material shows\n");
            Ok(Output { json: to_json(&reading)?, text, exit: Exit::Fine })
        }
        CaseCommand::Export { id, vendor, out, force, date } => {
            use qualkit::export::{ExportOptions, Outcome};
            let vendor = Vendor::parse(vendor).ok_or_else(|| Error::input("未知的厂商", "unknown vendor"))?;
            let options =
                ExportOptions { force: *force, date: date.unwrap_or_else(|| chrono::Local::now().date_naive()) };
            match qualkit::export::export_case(&mut store, id, vendor, out, &options)? {
                Outcome::Written { path, manifest } => {
                    let path = path.display().to_string();
                    let mut text = format!("{} {path}\n", pick(lang, "已导出", "exported"));
                    for file in &manifest.files {
                        text.push_str(&format!("  {}  {}\n", file.path, qualkit::upload::size_text(file.bytes)));
                    }
                    if manifest.forced {
                        text.push_str(&format!(
                            "  ! {}\n",
                            pick(
                                lang,
                                "有阻断问题，已按 --force 导出并记入 manifest.json",
                                "blocking findings remain; exported with --force and recorded in manifest.json"
                            )
                        ));
                    }
                    for note in &manifest.notes {
                        text.push_str(&format!("  ! {}\n", note.get(lang)));
                    }
                    let json = json!({ "path": path, "files": manifest.files, "ready": manifest.ready, "forced": manifest.forced, "notes": manifest.notes });
                    Ok(Output { json, text, exit: Exit::Fine })
                }
                Outcome::Refused { report } => {
                    let mut text = format!(
                        "{}\n",
                        pick(
                            lang,
                            "有阻断问题，未导出（可用 --force 强制导出）：",
                            "not exported: blocking findings remain (--force exports anyway):"
                        )
                    );
                    for item in
                        report.checklist.iter().filter(|i| matches!(i.status, Status::Missing | Status::Invalid))
                    {
                        text.push_str(&format!("  ○ {} — {}\n", item.label.get(lang), item.why.get(lang)));
                    }
                    for f in report.findings.iter().filter(|f| f.severity == Severity::Block) {
                        text.push_str(&finding_line(f, lang));
                    }
                    let json = json!({ "refused": true, "ready": false, "checklist": report.checklist, "findings": report.findings });
                    Ok(Output { json, text, exit: Exit::Failed })
                }
            }
        }
        CaseCommand::Set { id, fields, base } => {
            let pairs = fields
                .iter()
                .map(|field| key_value(field, "FIELD=VALUE", "字段=值", "FIELD=VALUE"))
                .collect::<qualkit::Result<Vec<_>>>()?;
            let version = qualkit::set_case_fields(&mut store, id, &pairs, *base)?;
            let text = pick(
                lang,
                &format!("已保存案卷 {id}（版本 {version}）\n"),
                &format!("saved case {id} (version {version})\n"),
            );
            Ok(Output { json: json!({ "id": id, "version": version }), text, exit: Exit::Fine })
        }
        CaseCommand::History { id } => {
            let events = store.history(id)?;
            Ok(Output { json: to_json(&events)?, text: qualkit::history::text(&events, lang), exit: Exit::Fine })
        }
        CaseCommand::Submit { id, vendor, items, at } => {
            let vendor = Vendor::parse(vendor).ok_or_else(|| Error::input("未知的厂商", "unknown vendor"))?;
            let items = items
                .iter()
                .map(|i| {
                    qualkit::submission::Item::parse(i.trim()).ok_or_else(|| {
                        Error::input(
                            format!("未知的提交内容“{i}”：可用 qualification、signature、templates"),
                            format!("unknown item `{i}`: qualification, signature, templates"),
                        )
                    })
                })
                .collect::<qualkit::Result<Vec<_>>>()?;
            let at = at.as_deref().map(qualkit::submission::parse_time).transpose()?;
            let submission = store.record_submission(id, vendor, &items, at)?;
            let text = qualkit::submission::text(std::slice::from_ref(&submission), lang);
            Ok(Output { json: to_json(&submission)?, text, exit: Exit::Fine })
        }
        CaseCommand::Decide { id, vendor, approved, rejected, at } => {
            use qualkit::submission::Outcome;
            let vendor = Vendor::parse(vendor).ok_or_else(|| Error::input("未知的厂商", "unknown vendor"))?;
            let outcome = if *approved { Outcome::Approved } else { Outcome::Rejected };
            let at = at.as_deref().map(qualkit::submission::parse_time).transpose()?;
            let submission = store.record_outcome(id, vendor, outcome, rejected.as_deref(), at)?;
            let text = qualkit::submission::text(std::slice::from_ref(&submission), lang);
            Ok(Output { json: to_json(&submission)?, text, exit: Exit::Fine })
        }
        CaseCommand::Submissions { id } => {
            let submissions = store.submissions(id)?;
            let text = qualkit::submission::text(&submissions, lang);
            Ok(Output { json: to_json(&submissions)?, text, exit: Exit::Fine })
        }
        CaseCommand::Check { id, vendor } => {
            let vendor = vendor.as_deref().and_then(Vendor::parse);
            // cli.md: OCR the materials not read yet, then every rule. A file OCR cannot read is
            // reported on stderr; the checks then treat it as unread.
            for read in qualkit::read_materials(&mut store, id)? {
                if let Some(error) = &read.error {
                    eprintln!("qualkit: {} #{}: {}", read.role.as_str(), read.material, error.get(lang));
                }
            }
            let report = qualkit::check_case(&store, id, vendor)?;
            Ok(Output {
                json: to_json(&report)?,
                text: check_text(&report, lang),
                exit: Exit::failed_if(!report.all_ready()),
            })
        }
    }
}

/// Splits a `KEY=VALUE` argument of `flag`; the key is trimmed, the value kept as typed.
fn unknown_var_type(kind: &str) -> Error {
    let known = VarType::known();
    Error::input(
        format!("未知的变量类型“{kind}”，可用：{known}"),
        format!("unknown variable type “{kind}”; known types: {known}"),
    )
}

/// `变量 ${code}：验证码（仅数字），由前文“验证码”推断；阿里云属性 numberCaptcha；按典型值 123456 核对`
fn variables_text(variables: &[lint::VariableUse], lang: Lang) -> String {
    let mut out = String::new();
    for v in variables {
        let attribute = v.attribute.as_deref();
        let line = match lang {
            Lang::Zh => format!(
                "变量 ${{{}}}：{}，{}{}；按{} {} 核对\n",
                v.name,
                v.label.zh,
                v.how.zh,
                attribute.map(|a| format!("；属性 {a}")).unwrap_or_default(),
                if v.example { "示例值" } else { "典型值" },
                v.value
            ),
            Lang::En => format!(
                "variable ${{{}}}: {}, {}{}; checked at the {} {}\n",
                v.name,
                v.label.en,
                v.how.en,
                attribute.map(|a| format!("; attribute {a}")).unwrap_or_default(),
                if v.example { "example" } else { "typical value" },
                v.value
            ),
        };
        out.push_str(&line);
    }
    out
}

fn key_value(arg: &str, flag: &str, form_zh: &str, form_en: &str) -> qualkit::Result<(String, String)> {
    let (key, value) = arg.split_once('=').ok_or_else(|| {
        Error::input(format!("{flag} 应写作 {form_zh}：{arg}"), format!("{flag} takes {form_en}: {arg}"))
    })?;
    Ok((key.trim().to_string(), value.to_string()))
}

fn no_plan(id: &str) -> Error {
    Error::input(
        format!("案卷 {id} 还没有核验计划：先运行 qualkit icp plan --case {id} …"),
        format!("case {id} has no verification plan: run qualkit icp plan --case {id} … first"),
    )
}

fn to_json<T: Serialize>(value: &T) -> qualkit::Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::input(e.to_string(), e.to_string()))
}

// --- readable reports --------------------------------------------------------------------

fn validation_text(r: &Validation, lang: Lang) -> String {
    let mut out = String::new();
    let verdict = match (r.valid, r.warnings.is_empty()) {
        (true, true) => pick(lang, "有效", "valid"),
        (true, false) => pick(lang, "有效（有提示）", "valid, with warnings"),
        (false, _) => pick(lang, "无效", "invalid"),
    };
    out.push_str(&format!("{}  {verdict}\n", r.input));
    if let Some(error) = &r.error {
        out.push_str(&format!("  ✗ {}\n", error.get(lang)));
    }
    for warning in &r.warnings {
        out.push_str(&format!("  ! {}\n", warning.get(lang)));
    }
    let mut details = serde_json::to_value(&r.details).unwrap_or_default();
    localize(&mut details, lang);
    if let Some(map) = details.as_object() {
        for (key, value) in map {
            out.push_str(&format!("  {key}: {}\n", compact(value)));
        }
    }
    out
}

/// A detail value on one line: objects as `k=v` pairs, strings without quotes.
fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(map) => {
            map.iter().map(|(k, v)| format!("{k}={}", compact(v))).collect::<Vec<_>>().join(" ")
        }
        other => other.to_string(),
    }
}

fn role_name(role: Responsible, lang: Lang) -> String {
    role.label().get(lang).to_string()
}

fn plan_text(plan: &IcpPlan, lang: Lang) -> String {
    let mut out = pick(
        lang,
        &format!("备案类型 {}：共 {} 条核验短信\n", plan.filing_type.as_str(), plan.sms_count),
        &format!("filing type {}: {} verification SMS\n", plan.filing_type.as_str(), plan.sms_count),
    );
    for message in &plan.messages {
        let roles: Vec<String> = message.roles.iter().map(|r| role_name(*r, lang)).collect();
        out.push_str(&format!("  {}  {}\n", mask(&message.phone), roles.join(" + ")));
    }
    for note in &plan.notes {
        out.push_str(&format!("  · {}\n", note.get(lang)));
    }
    out
}

fn tracker_text(tracker: &IcpTracker, lang: Lang) -> String {
    let mut out = plan_text(&tracker.plan, lang);
    for m in &tracker.messages {
        let status = match m.status {
            MessageStatus::Waiting => pick(lang, "待发送", "waiting"),
            MessageStatus::Sent => {
                let left = m.seconds_left.unwrap_or(0);
                pick(
                    lang,
                    &format!("已发送，剩余 {} 小时 {} 分", left / 3600, left % 3600 / 60),
                    &format!("sent, {} h {} min left", left / 3600, left % 3600 / 60),
                )
            }
            MessageStatus::Verified => pick(lang, "已核验", "verified"),
            MessageStatus::Expired => pick(lang, "已超时，备案将被退回", "expired, the filing will be returned"),
        };
        out.push_str(&format!(
            "  {}: {status}; {}\n",
            mask(&m.state.phone),
            pick(lang, &format!("可重发 {} 次", m.resends_left), &format!("{} resends left", m.resends_left))
        ));
    }
    out
}

/// A list's line shows this much of a name; the case itself shows it whole.
const LIST_NAME_CHARS: usize = 40;

/// `text` cut to `max` characters, the cut marked with an ellipsis.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

fn list_text(cases: &[CaseSummary], lang: Lang) -> String {
    if cases.is_empty() {
        return pick(
            lang,
            "还没有案卷。用 qualkit case import DIR 导入。\n",
            "No cases yet. Import one with qualkit case import DIR.\n",
        );
    }
    cases
        .iter()
        .map(|c| {
            let vendors: Vec<&str> = c.vendors.iter().map(|v| v.as_str()).collect();
            format!(
                "{}  {}  {}  [{}]  {} {}  {}\n",
                c.id,
                c.applicant_kind,
                shortened(&c.applicant_name, LIST_NAME_CHARS),
                vendors.join(","),
                c.material_count,
                pick(lang, "份材料", "materials"),
                c.updated_at.format("%Y-%m-%d %H:%M")
            )
        })
        .collect()
}

fn case_text(case: &Case, lang: Lang) -> String {
    let d = &case.data;
    let a = &d.applicant;
    let mut out = format!("{}  {} ({})\n", case.id, a.name, a.kind);
    let mut line = |zh: &str, en: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push_str(&format!("  {}: {v}\n", pick(lang, zh, en)));
        }
    };
    line("统一社会信用代码", "credit code", a.uscc.clone());
    line("法定代表人", "legal representative", a.legal_rep.clone());
    line("身份证号码", "ID number", a.id_number.as_deref().map(mask));
    line("成立日期", "established", a.established.map(|d| d.to_string()));
    line("厂商", "vendors", Some(d.vendors.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")));
    if let Some(h) = &d.handler {
        let phone = h.phone.as_deref().map(mask).unwrap_or_default();
        let id = h.id_number.as_deref().map(mask).unwrap_or_default();
        line("经办人", "handler", Some(format!("{} {id} {phone}", h.name)));
    }
    if let Some(s) = &d.signature {
        let owner = s.owner.clone().map(|o| format!(" ← {o}")).unwrap_or_default();
        line("签名", "signature", Some(format!("【{}】 {} {}{owner}", s.name, s.source, s.usage)));
    }
    for t in &d.templates {
        line("模板", "template", Some(format!("[{}] {}", t.kind, t.text)));
    }
    if let Some(l) = &d.landing {
        let icp = l.icp_number.clone().unwrap_or_default();
        let domain = l.domain.clone().unwrap_or_default();
        line("落地应用", "landing", Some(format!("{} {} {domain} {icp}", l.kind, l.name)));
    }
    for m in &case.materials {
        line(
            "材料",
            "material",
            Some(format!(
                "#{} {} — {} ({} B, {}, {})",
                m.id,
                m.role.label().get(lang),
                m.original_name,
                m.size,
                m.mime,
                m.sha256.get(..12).unwrap_or_default()
            )),
        );
    }
    out
}

fn check_text(report: &CheckReport, lang: Lang) -> String {
    let mut out = String::new();
    for (vendor, r) in &report.vendors {
        let verdict =
            if r.ready { pick(lang, "可以提交", "ready") } else { pick(lang, "尚不能提交", "not ready") };
        out.push_str(&format!("== {vendor}: {verdict}\n"));
        for item in &r.checklist {
            out.push_str(&format!("  {} {} — {}\n", item.status.mark(), item.label.get(lang), item.why.get(lang)));
        }
        for f in &r.findings {
            out.push_str(&finding_line(f, lang));
        }
    }
    out
}
