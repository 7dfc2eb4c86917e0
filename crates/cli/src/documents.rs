//! `sanlian documents`: the documents each city committee sends once its plan is approved
//! (work plan §五 and §六.2): the 函告 letters to the counties, the 报到 lists, the budget per
//! dispatching unit and the filing workbook (名单), per city, optionally also as PDF.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sanlian_files::{budget, FilesError, Scope};
use sanlian_model::Instance;

use crate::{load_instance, load_plan, Failure, Staged};

/// Arguments of `sanlian documents`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// The plan (JSON) of that instance; it must pass the checker.
    plan: PathBuf,
    /// Directory to write into (created if missing): one folder per city, named by its code,
    /// holding letters.docx, checkin.docx, budget.docx, budget.xlsx and workbook.xlsx.
    #[arg(long)]
    out: PathBuf,
    /// Only this city's documents (its code, its name or its name without 市: 370500, 东营市, 东营).
    #[arg(long)]
    city: Option<String>,
    /// Only this county's group (its code, or its name when no other county has it): its letter,
    /// 报到 list and budget; the workbook stays its city's.
    #[arg(long)]
    county: Option<String>,
    /// Also render every .docx to PDF with LibreOffice (soffice); install it with
    /// `scripts/setup.sh --office`.
    #[arg(long)]
    pdf: bool,
}

/// How long LibreOffice may take to render all the documents.
const SOFFICE_LIMIT: Duration = Duration::from_secs(600);

/// Run `sanlian documents`.
pub fn run(args: Args) -> Result<(), Failure> {
    let inst = load_instance(&args.instance)?;
    let plan = load_plan(&args.plan)?;
    let report =
        sanlian_check::check(&inst, &plan).map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let mismatches = report.mismatches();
    if !mismatches.is_empty() {
        return Err(Failure::input(format!(
            "{}: the plan does not belong to instance \"{}\" of {}:\n  {}\nnothing written",
            args.plan.display(),
            inst.name,
            args.instance.display(),
            mismatches.join("\n  ")
        )));
    }
    if !report.is_valid() {
        let list: Vec<String> = report.violations.iter().map(|v| format!("  {v}")).collect();
        return Err(Failure::input(format!(
            "{}: the plan breaks {} rule(s) (`sanlian check` lists them); documents are made of a valid plan \
             only:\n{}\nnothing written",
            args.plan.display(),
            list.len(),
            list.join("\n")
        )));
    }
    let scope = Scope::new(&inst.region, args.city.as_deref(), args.county.as_deref())
        .map_err(|e| scope_failure(e, &args, &inst))?;
    let cities: Vec<&sanlian_model::City> = inst
        .region
        .cities
        .iter()
        .filter(|c| scope.city().is_none_or(|s| s.code == c.code))
        .filter(|c| plan.groups.iter().any(|g| g.city == c.code && scope.holds(g)))
        .collect();
    if cities.is_empty() {
        return Err(Failure::input(format!(
            "{}: no group of the plan lies in {}; nothing written",
            args.plan.display(),
            scope.name(&inst.region)
        )));
    }
    let soffice = if args.pdf { Some(find_soffice()?) } else { None };
    prepare_out(&args.out)?;

    let internal = |e: FilesError| Failure { code: 1, message: e.to_string() };
    // Every file in memory first (PDFs included), then all written together.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut docx: Vec<(String, Vec<u8>)> = Vec::new();
    for city in &cities {
        let here = if scope.county().is_some() {
            scope
        } else {
            Scope::new(&inst.region, Some(&city.code), None).map_err(internal)?
        };
        let dir = args.out.join(&city.code);
        let made = [
            ("letters", sanlian_files::letters::letters_docx_in(&inst, &plan, &here).map_err(internal)?),
            ("checkin", sanlian_files::checkin_docx(&inst, &plan, &here).map_err(internal)?),
            ("budget", sanlian_files::budget_docx(&inst, &plan, &here).map_err(internal)?),
        ];
        for (stem, bytes) in made {
            if soffice.is_some() {
                docx.push((format!("{}-{stem}", city.code), bytes.clone()));
            }
            files.push((dir.join(format!("{stem}.docx")), bytes));
        }
        files.push((dir.join("budget.xlsx"), sanlian_files::budget_xlsx(&inst, &plan, &here).map_err(internal)?));
        files.push((
            dir.join("workbook.xlsx"),
            sanlian_files::plan_xlsx(&inst, &plan, Some(&city.code)).map_err(internal)?,
        ));
        let b = budget::budget(&inst, &plan, &here).map_err(internal)?;
        let groups = plan.groups.iter().filter(|g| g.city == city.code && here.holds(g)).count();
        let cadres: usize = b.units.iter().map(|u| u.rows.len()).sum();
        say!(
            "{}（{}）：{} 个工作组，{} 人，{} 个派出单位；经费测算合计 {} 元（交通费 {}，驻点费 {}）",
            here.name(&inst.region),
            city.code,
            groups,
            cadres,
            b.units.len(),
            budget::yuan_text(b.total),
            budget::yuan_text(b.travel),
            budget::yuan_text(b.stay)
        );
    }
    if let Some(soffice) = &soffice {
        for ((name, _), pdf) in docx.iter().zip(to_pdf(soffice, &docx)?) {
            let (code, stem) = name.split_once('-').expect("named <code>-<stem>");
            files.push((args.out.join(code).join(format!("{stem}.pdf")), pdf));
        }
    }

    let mut created = Vec::new();
    let written = (|| {
        let mut staged = Staged::default();
        for (path, bytes) in &files {
            let dir = path.parent().expect("a file in a folder");
            if !dir.exists() {
                std::fs::create_dir(dir)
                    .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })?;
                created.push(dir.to_path_buf());
            }
            staged.add(path, bytes)?;
        }
        staged.commit()
    })();
    if let Err(f) = written {
        for dir in &created {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(f);
    }
    for city in &cities {
        let names: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.parent() == Some(args.out.join(&city.code).as_path()))
            .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        eprintln!("documents written to {}: {}", args.out.join(&city.code).display(), names.join(", "));
    }
    Ok(())
}

/// A scope error as the options name it.
fn scope_failure(e: FilesError, args: &Args, inst: &Instance) -> Failure {
    let instance = args.instance.display();
    match e {
        FilesError::UnknownCity(c) => {
            let some: Vec<&str> = inst.region.cities.iter().take(3).map(|c| c.name.as_str()).collect();
            Failure::input(format!(
                "--city {c}: no city of {instance} is called so; give a city's code or name, e.g. {}",
                some.join(", ")
            ))
        }
        FilesError::UnknownCounty(k) => Failure::input(format!(
            "--county {k}: no county of {instance}{} is called so; give a county's 6-digit code",
            args.city.as_deref().map(|c| format!(" in {c}")).unwrap_or_default()
        )),
        other => Failure::input(format!("--county: {other}")),
    }
}

/// The output directory, created if missing and proven writable, before anything is made.
fn prepare_out(out: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(out).map_err(|e| {
        Failure::input(format!("--out {}: cannot create the directory: {e}; nothing written", out.display()))
    })?;
    let probe = out.join(format!(".sanlian-write-test.{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| Failure::input(format!("--out {}: cannot write there: {e}; nothing written", out.display())))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// LibreOffice's `soffice` (or `libreoffice`) on the PATH.
fn find_soffice() -> Result<PathBuf, Failure> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| ["soffice", "libreoffice"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Failure::input(
                "--pdf needs LibreOffice (soffice), which is not on the PATH: install it with `scripts/setup.sh \
                 --office` (Debian: apt-get install libreoffice-writer-nogui fonts-noto-cjk); nothing written",
            )
        })
}

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Each (stem, .docx bytes) rendered to PDF by one LibreOffice run, in order.
fn to_pdf(soffice: &Path, docs: &[(String, Vec<u8>)]) -> Result<Vec<Vec<u8>>, Failure> {
    let fail = |message: String| Failure { code: 1, message: format!("{message}; nothing written") };
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let tmp = TempDir(std::env::temp_dir().join(format!("sanlian-documents-{}-{stamp}", std::process::id())));
    let (input, output) = (tmp.0.join("docx"), tmp.0.join("pdf"));
    for dir in [&input, &output] {
        std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut sources = Vec::new();
    for (stem, bytes) in docs {
        let path = input.join(format!("{stem}.docx"));
        std::fs::write(&path, bytes).map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
        sources.push(path);
    }
    let log = tmp.0.join("soffice.log");
    let log_file = std::fs::File::create(&log).map_err(|e| fail(format!("cannot write {}: {e}", log.display())))?;
    let err_file = log_file.try_clone().map_err(|e| fail(format!("cannot write {}: {e}", log.display())))?;
    // A profile of its own: no clash with a LibreOffice the user has open, no first-run dialogs.
    let profile =
        format!("-env:UserInstallation=file://{}", tmp.0.join("profile").display().to_string().replace(' ', "%20"));
    let mut child = Command::new(soffice)
        .arg(profile)
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&output)
        .args(&sources)
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(err_file)
        .spawn()
        .map_err(|e| fail(format!("cannot run {}: {e}", soffice.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > SOFFICE_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "{} did not finish rendering the PDFs within {} s",
                    soffice.display(),
                    SOFFICE_LIMIT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(fail(format!("cannot wait for {}: {e}", soffice.display()))),
        }
    };
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    docs.iter()
        .map(|(stem, _)| {
            let pdf = output.join(format!("{stem}.pdf"));
            std::fs::read(&pdf).map_err(|_| {
                fail(format!(
                    "{} made no PDF of {stem}.docx (exit status {status}): {}",
                    soffice.display(),
                    said.trim()
                ))
            })
        })
        .collect()
}
