//! The job queue: a bounded queue in front of a fixed number of workers. A job is a row
//! in the store first; a worker runs it on a blocking thread (HiGHS with one thread per
//! OS thread) and stores its result — plans included — in one transaction.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use sanlian_engine::Answer;
use sanlian_explain::render::{certificates_with, Lang, Names};
use sanlian_explain::replan::{reassign_with, ReplanError, ReplanOptions};
use sanlian_model::{Certificate, Events, Instance, Msg, Plan, PlanMode, Prepared};
use sanlian_solver::SolveOptions;

use crate::error::ApiError;
use crate::store::{finish_job, insert_instance, insert_plan, label, JobRow};
use crate::App;

/// Options of a solve or reassign job.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// strict (default) or best_effort.
    #[serde(default)]
    pub mode: PlanMode,
    /// Wall-clock limit, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<f64>,
    /// Re-planning only: repair a plan in force that breaks the rules, explicitly (every
    /// decision may change, the past included); without it such a plan is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repair_invalid: bool,
}

impl RunRequest {
    /// Refuse impossible options before queueing.
    pub fn validate(&self) -> Result<(), ApiError> {
        match self.time_limit {
            Some(t) if !(t.is_finite() && t > 0.0) => {
                Err(ApiError::bad_request("invalid_option", Msg::new("api.bad_time_limit")).at("time_limit"))
            }
            _ => Ok(()),
        }
    }
}

/// Options of a trade-offs job (`POST /api/instances/{id}/tradeoffs`), each optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeoffRequest {
    /// How many plans at most, 3–7 (default 5, as the CLI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// Seat-to-seat km within which a neighbouring group backs one up (robustness, N1):
    /// [`REACH_KM`] (default 80, as the CLI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_km: Option<f64>,
    /// Most seconds each solve may take: more than 0, at most [`MAX_SOLVE_SECONDS`] (default
    /// [`DEFAULT_SOLVE_SECONDS`]; the CLI has no limit, the service bounds every solve).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<f64>,
}

/// The reach a trade-offs job may ask for, km.
pub const REACH_KM: std::ops::RangeInclusive<f64> = 1.0..=1000.0;

/// The longest one solve of a trade-offs job may take, seconds.
pub const MAX_SOLVE_SECONDS: f64 = 300.0;

/// Each solve's limit when a trade-offs job gives none, seconds.
pub const DEFAULT_SOLVE_SECONDS: f64 = 60.0;

impl TradeoffRequest {
    /// The options of a request body (empty: the defaults); a body that is not JSON, not an
    /// object, names an option there is not, or gives one that is not a number is refused
    /// (400), naming the option.
    pub fn parse(bytes: &[u8]) -> Result<TradeoffRequest, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(TradeoffRequest::default());
        }
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| ApiError::json("trade-off request", &e))?;
        let Value::Object(fields) = doc else {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.tradeoff_not_object").arg("example", r#"{"points": 5}"#),
            ));
        };
        let mut req = TradeoffRequest::default();
        for (field, value) in &fields {
            let slot = match field.as_str() {
                "points" => &mut req.points,
                "reach_km" => &mut req.reach_km,
                "time_limit" => &mut req.time_limit,
                _ => {
                    return Err(ApiError::bad_request(
                        "invalid_option",
                        Msg::new("api.tradeoff_unknown")
                            .arg("field", field)
                            .arg("offered", "points, reach_km, time_limit"),
                    )
                    .at(field.clone()))
                }
            };
            let shown: String = value.to_string().chars().take(40).collect();
            *slot = Some(value.as_f64().ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_option",
                    Msg::new("api.tradeoff_not_number").arg("field", field).arg("got", shown),
                )
                .at(field.clone())
            })?);
        }
        Ok(req)
    }

    /// Refuse options out of bounds before queueing; the options to compute with.
    pub fn validate(&self) -> Result<sanlian_tradeoffs::Options, ApiError> {
        let points = self.points.unwrap_or(5.0);
        let range = sanlian_tradeoffs::POINTS;
        if !(points.fract() == 0.0 && (*range.start() as f64..=*range.end() as f64).contains(&points)) {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.tradeoff_points")
                    .arg("field", "points")
                    .arg("min", range.start())
                    .arg("max", range.end())
                    .arg("got", points),
            )
            .at("points"));
        }
        let reach_km = self.reach_km.unwrap_or(sanlian_model::params::DEFAULT_REACH_KM);
        if !REACH_KM.contains(&reach_km) {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.tradeoff_reach")
                    .arg("field", "reach_km")
                    .arg("min", REACH_KM.start())
                    .arg("max", REACH_KM.end())
                    .arg("got", reach_km),
            )
            .at("reach_km"));
        }
        let time_limit = self.time_limit.unwrap_or(DEFAULT_SOLVE_SECONDS);
        if !(time_limit > 0.0 && time_limit <= MAX_SOLVE_SECONDS) {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.tradeoff_time_limit")
                    .arg("field", "time_limit")
                    .arg("max", MAX_SOLVE_SECONDS)
                    .arg("got", time_limit),
            )
            .at("time_limit"));
        }
        Ok(sanlian_tradeoffs::Options {
            points: points as usize,
            time_limit: Some(time_limit),
            reach_km,
            ..sanlian_tradeoffs::Options::default()
        })
    }
}

/// Refuse an instance the trade-offs cannot vary: one that sets its own fairness, robustness
/// or continuity options (422), as `sanlian_tradeoffs::compute` would.
pub fn tradeoffs_admit(id: i64, inst: &Instance) -> Result<(), ApiError> {
    match sanlian_tradeoffs::preset(inst) {
        Some(preset) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "tradeoffs_preset",
            Msg::new("api.tradeoff_preset").arg("id", id).noun("what", preset.field()),
        )),
        None => Ok(()),
    }
}

/// Live progress of a running job (kept in memory; the store has the state).
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// prepare, solve, check, store; or variants for scenario runs.
    pub stage: &'static str,
    /// Units done (scenario variants), when counted.
    pub done: usize,
    /// Units in all.
    pub total: usize,
}

/// A job as the API shows it: the stored row, its live progress and its queue position.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    /// The stored job.
    #[serde(flatten)]
    pub row: JobRow,
    /// What a running job is doing now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    /// It was asked to stop and keep its best so far (`POST /api/jobs/{id}/stop`): while it
    /// runs, it is finishing; once done, its result is the best found then (the plan's stages
    /// carry their gaps, a scenario table marks its rows).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
}

/// Job kinds that can stop and keep their best result so far.
pub const STOPPABLE: [&str; 2] = ["solve", "scenarios"];

impl JobView {
    /// done, failed or cancelled.
    pub fn finished(&self) -> bool {
        matches!(self.row.state.as_str(), "done" | "failed" | "cancelled")
    }
}

impl App {
    /// Queue a job, or refuse with 503 when the queue is full (nothing is stored then).
    pub fn submit(
        &self,
        kind: &str,
        instance: i64,
        plan: Option<i64>,
        request: &Value,
        body: Option<&str>,
    ) -> Result<JobView, ApiError> {
        if *self.shutdown.borrow() {
            return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", Msg::new("api.shutting_down")));
        }
        let permit = self.queue.try_reserve().map_err(|_| {
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "queue_full",
                Msg::new("api.queue_full")
                    .arg("waiting", self.queued.load(Ordering::Relaxed))
                    .arg("running", self.running.load(Ordering::Relaxed)),
            );
            e.retry_after = Some(5);
            e
        })?;
        let id = self
            .store
            .insert_job(kind, instance, plan, &request.to_string(), body)
            .map_err(|e| ApiError::store("cannot store the job", &e))?;
        self.queued.fetch_add(1, Ordering::Relaxed);
        permit.send(id);
        tracing::info!(job = id, kind, instance, "queued");
        self.job(id)
    }

    /// A job with its live progress.
    pub fn job(&self, id: i64) -> Result<JobView, ApiError> {
        let mut row = self
            .store
            .job(id)
            .map_err(|e| ApiError::internal("cannot read the job", e))?
            .ok_or_else(|| ApiError::no_such("job", id))?;
        if let Some(why) = self.store_faults.lock().unwrap_or_else(|p| p.into_inner()).get(&id) {
            row.state = "failed".into();
            row.error = Some(crate::error::stored("store_failed", why));
        }
        crate::error::localise_stored(&mut row.error, crate::error::current_lang());
        let progress = self.progress.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned();
        let stopped = self.settle_flag(id).is_some_and(|f| f.load(Ordering::Relaxed))
            || row.result.as_ref().is_some_and(|r| r["stopped"] == true);
        Ok(JobView { row, progress, stopped })
    }

    fn set_progress(&self, id: i64, stage: &'static str, done: usize, total: usize) {
        self.progress.lock().unwrap_or_else(|p| p.into_inner()).insert(id, Progress { stage, done, total });
        let _ = self.updates.send(id);
    }

    /// Run one job to its end on the current (blocking) thread.
    pub fn execute(self: &Arc<Self>, id: i64) {
        let row = match self.store.job(id) {
            Ok(Some(row)) if row.state == "queued" || row.state == "running" => row,
            Ok(_) => return,
            Err(e) => {
                tracing::error!(job = id, %e, "cannot read a queued job");
                return;
            }
        };
        match self.store.start_job(id) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                // The store cannot be written: fail the job visibly rather than run it unseen.
                tracing::error!(job = id, %e, "cannot mark a job running");
                self.store_failed(id);
                return;
            }
        }
        let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
        self.cancels.lock().unwrap_or_else(|p| p.into_inner()).insert(id, cancel);
        let settle = Arc::new(std::sync::atomic::AtomicBool::new(false));
        self.settles.lock().unwrap_or_else(|p| p.into_inner()).insert(id, settle);
        self.set_progress(id, "prepare", 0, 0);
        let started = std::time::Instant::now();
        let outcome = match row.kind.as_str() {
            "solve" => self.run_solve(&row),
            "reassign" => self.run_reassign(&row),
            "edit_repair" => self.run_edit_repair(&row),
            "scenarios" => self.run_scenarios(&row),
            "tradeoffs" => self.run_tradeoffs(&row),
            other => Err(ApiError::internal("unknown job kind", other)),
        };
        let cancelled = self.cancel_flag(id).is_some_and(|c| c.load(Ordering::Relaxed));
        match &outcome {
            // Stopped by a shutdown that could not wait: it runs again after the restart,
            // and this run does not count as a crash.
            Err(_) if self.interrupted.load(Ordering::Relaxed) => {
                if let Err(e) = self.store.requeue_job(id) {
                    tracing::error!(job = id, %e, "cannot queue an interrupted job again");
                }
            }
            // Cancelled: the store says so already.
            Err(_) if cancelled => {}
            Err(e) => {
                let error = e.stored();
                if let Err(store) = self.store.fail_job(id, &error) {
                    tracing::error!(job = id, %store, "cannot store a job's failure");
                    self.store_failed(id);
                }
            }
            Ok(()) => {}
        }
        self.cancels.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        self.settles.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        self.progress.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        let _ = self.updates.send(id);
        tracing::info!(
            job = id,
            kind = row.kind,
            ok = outcome.is_ok(),
            seconds = started.elapsed().as_secs_f64(),
            "finished"
        );
    }

    /// Remember that the store could not record job `id`'s state: the job shows as failed
    /// (from memory) and health reports the store as degraded.
    pub(crate) fn store_failed(&self, id: i64) {
        self.store_fault(id, Msg::new("api.result_lost"));
    }

    /// Show job `id` as failed with `why`, from memory, and tell its watchers.
    fn store_fault(&self, id: i64, why: Msg) {
        self.store_faults.lock().unwrap_or_else(|p| p.into_inner()).insert(id, why);
        let _ = self.updates.send(id);
    }

    /// Jobs whose state could not be stored.
    pub(crate) fn store_fault_count(&self) -> usize {
        self.store_faults.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Interrupt every running job (shutdown stopped waiting): each stops at once and is
    /// queued again.
    pub(crate) fn interrupt_running(&self) {
        self.interrupted.store(true, Ordering::Relaxed);
        for flag in self.cancels.lock().unwrap_or_else(|p| p.into_inner()).values() {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// The cancel flag of a running job.
    pub(crate) fn cancel_flag(&self, id: i64) -> Option<Arc<std::sync::atomic::AtomicBool>> {
        self.cancels.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
    }

    /// Cancel a job: a queued one never runs; a running one stops at its next model and its
    /// result is dropped. The job as it is now, or 404 / 409 (already finished).
    pub fn cancel(&self, id: i64) -> Result<JobView, ApiError> {
        let before = match self.store.cancel_job(id) {
            Ok(before) => before,
            Err(e) => {
                // The database cannot record it; a running job is stopped all the same, and
                // shows as failed (from memory) with the reason.
                if let Some(flag) = self.cancel_flag(id) {
                    flag.store(true, Ordering::Relaxed);
                    self.store_fault(id, Msg::new("api.cancel_unrecorded"));
                }
                return Err(ApiError::store("cannot record the cancellation", &e));
            }
        };
        match before.as_deref() {
            None => return Err(ApiError::no_such("job", id)),
            Some("queued" | "running") => {
                if let Some(flag) = self.cancel_flag(id) {
                    flag.store(true, Ordering::Relaxed);
                }
                tracing::info!(job = id, "cancelled");
                let _ = self.updates.send(id);
            }
            Some(state) => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "job_finished",
                    Msg::new("api.job_finished").arg("id", id).arg_msg("state", Msg::new(&format!("job.{state}"))),
                ))
            }
        }
        self.job(id)
    }

    /// The "stop and keep the best so far" flag of a running job.
    pub(crate) fn settle_flag(&self, id: i64) -> Option<Arc<std::sync::atomic::AtomicBool>> {
        self.settles.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
    }

    /// Stop a running solve or scenario job and keep its best so far: the model under way
    /// ends at its next node once it has a solution, the stages after it run as usual, and
    /// the job ends `done` with that plan (its cut-short stage not proven optimal, with its
    /// gap); a scenario batch starts no more variants and keeps the rows done. The job as it
    /// is now (`stopped`), or 404 (unknown), 409 (not running: queued or finished, or a kind
    /// that cannot keep a partial result). Asking twice is the same as asking once.
    pub fn stop(&self, id: i64) -> Result<JobView, ApiError> {
        let view = self.job(id)?;
        let not_running =
            || ApiError::new(StatusCode::CONFLICT, "job_not_running", Msg::new("api.job_not_running").arg("id", id));
        match view.row.state.as_str() {
            "running" => {}
            "queued" => return Err(not_running()),
            state => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "job_finished",
                    Msg::new("api.job_finished").arg("id", id).arg_msg("state", Msg::new(&format!("job.{state}"))),
                ))
            }
        }
        if !STOPPABLE.contains(&view.row.kind.as_str()) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "job_cannot_stop",
                Msg::new("api.job_cannot_stop").arg("id", id),
            ));
        }
        // Between the store's "running" and the worker's flags, or just finished.
        let flag = self.settle_flag(id).ok_or_else(not_running)?;
        if !flag.swap(true, Ordering::Relaxed) {
            tracing::info!(job = id, kind = view.row.kind, "stopping: keeping the best found so far");
        }
        let _ = self.updates.send(id);
        self.job(id)
    }

    fn request(row: &JobRow) -> Result<RunRequest, ApiError> {
        serde_json::from_str(&row.request).map_err(|e| ApiError::internal("a stored job request does not parse", e))
    }

    fn run_solve(&self, row: &JobRow) -> Result<(), ApiError> {
        // The time limit bounds the whole job: reading and validating the instance too.
        let started = std::time::Instant::now();
        let req = Self::request(row)?;
        let inst = self.instance(row.instance)?;
        let prep = Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        self.set_progress(row.id, "solve", 0, 0);
        let opts = SolveOptions {
            mode: req.mode,
            time_limit: req.time_limit,
            started: Some(started),
            cancel: self.cancel_flag(row.id),
            settle: self.settle_flag(row.id),
            ..SolveOptions::default()
        };
        let solved = sanlian_engine::solve(&prep, &opts).map_err(engine_failed)?;
        let stopped = opts.settle.as_ref().is_some_and(|f| f.load(Ordering::Relaxed));
        match solved.answer {
            Answer::Planned(checked) => {
                let plan = checked.into_plan();
                self.set_progress(row.id, "store", 0, 0);
                let text =
                    serde_json::to_string(&plan).map_err(|e| ApiError::internal("cannot serialise the plan", e))?;
                self.store
                    .transaction(|tx| {
                        let what = match plan.mode {
                            sanlian_model::PlanMode::Strict => "严格求解",
                            sanlian_model::PlanMode::BestEffort => "尽力求解",
                        };
                        let pid = insert_plan(tx, row.instance, &plan, true, "solve", &text, &label(what), None)?;
                        finish_job(
                            tx,
                            row.id,
                            &json!({
                                "outcome": "planned",
                                "plan": pid,
                                "summary": plan_summary(&plan),
                                "stopped": stopped,
                            }),
                        )
                    })
                    .map_err(|e| ApiError::store("cannot store the plan", &e))
            }
            Answer::Infeasible(certs) => {
                let result = infeasible(&inst, &certs);
                self.store
                    .transaction(|tx| finish_job(tx, row.id, &result))
                    .map_err(|e| ApiError::store("cannot store the result", &e))
            }
        }
    }

    fn run_reassign(&self, row: &JobRow) -> Result<(), ApiError> {
        let req = Self::request(row)?;
        let inst = self.instance(row.instance)?;
        let plan_id = row.plan.ok_or_else(|| ApiError::internal("a reassign job without a plan", row.id))?;
        let old = self.plan(plan_id)?.1;
        let body = self
            .store
            .job_body(row.id)
            .map_err(|e| ApiError::internal("cannot read the events", e))?
            .unwrap_or_default();
        let events = Events::from_json(&body).map_err(|e| ApiError::input(&e))?;
        self.set_progress(row.id, "solve", 0, 0);
        let opts = ReplanOptions {
            mode: req.mode,
            time_limit: req.time_limit,
            repair_invalid: req.repair_invalid,
            cancel: self.cancel_flag(row.id),
            takeovers: None,
        };
        let replan = reassign_with(&inst, &old, &events, &opts).map_err(|e| match e {
            ReplanError::Solve(s) => solve_failed(s),
            ReplanError::Rejected(_) => ApiError::internal("the repaired plan fails its checks; nothing was stored", e),
            ReplanError::InvalidBase(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_base_plan",
                Msg::new("api.invalid_base_plan").arg("why", &e),
            ),
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_events",
                Msg::new("api.invalid_events").arg("why", other),
            ),
        })?;
        self.set_progress(row.id, "store", 0, 0);
        let new_inst = serde_json::to_string(&replan.instance)
            .map_err(|e| ApiError::internal("cannot serialise the instance", e))?;
        let shown = replan.shown().cloned();
        // `reassign` hands out only plans the checker accepted (repaired or best-effort).
        let valid = shown.is_some();
        let plan_text = shown
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::internal("cannot serialise the plan", e))?;
        let summary = replan.summary(&old);
        let report = json!({ "zh": replan.report(&old, Lang::Zh), "en": replan.report(&old, Lang::En) });
        let certificates =
            (!replan.certificates.is_empty()).then(|| infeasible(&replan.instance, &replan.certificates));
        self.store
            .transaction(|tx| {
                let named = label(&events_label(&events));
                let iid = insert_instance(tx, &replan.instance, "reassign", &new_inst, &named)?;
                crate::store::inherit_owner(tx, iid, row.instance)?;
                let pid = match (&shown, &plan_text) {
                    (Some(p), Some(t)) => Some(insert_plan(tx, iid, p, valid, "reassign", t, &named, row.plan)?),
                    _ => None,
                };
                let outcome = if replan.plan.is_some() { "planned" } else { "infeasible" };
                finish_job(
                    tx,
                    row.id,
                    &json!({
                        "outcome": outcome,
                        "instance": iid,
                        "plan": replan.plan.as_ref().and(pid),
                        "best_effort_plan": replan.plan.is_none().then_some(pid).flatten(),
                        "summary": summary,
                        "report": report,
                        "certificates": certificates,
                    }),
                )
            })
            .map_err(|e| ApiError::store("cannot store the repaired plan", &e))
    }

    fn run_edit_repair(&self, row: &JobRow) -> Result<(), ApiError> {
        use sanlian_explain::edit::{repair_edits, RepairError};
        let inst = self.instance(row.instance)?;
        let plan_id = row.plan.ok_or_else(|| ApiError::internal("an edit repair without a plan", row.id))?;
        let old = self.plan(plan_id)?.1;
        let body =
            self.store.job_body(row.id).map_err(|e| ApiError::internal("cannot read the edit", e))?.unwrap_or_default();
        let edits = crate::api::parse_edits(body.as_bytes())?;
        self.set_progress(row.id, "solve", 0, 0);
        let opts = SolveOptions { cancel: self.cancel_flag(row.id), ..SolveOptions::default() };
        let names = Names::of(&inst);
        let repaired = match repair_edits(&inst, &old, &edits, &opts) {
            Ok(r) => r,
            Err(RepairError::Infeasible(certs)) => {
                let result = infeasible(&inst, &certs);
                return self
                    .store
                    .transaction(|tx| finish_job(tx, row.id, &result))
                    .map_err(|e| ApiError::store("cannot store the result", &e));
            }
            Err(RepairError::Solve(e)) => return Err(solve_failed(e)),
            Err(RepairError::Edit(e)) => return Err(ApiError::input(&e)),
            Err(e @ RepairError::Unchecked(_)) => {
                return Err(ApiError::internal("the repaired plan fails its checks; nothing was stored", e))
            }
        };
        self.set_progress(row.id, "store", 0, 0);
        let inst_text = serde_json::to_string(&repaired.instance)
            .map_err(|e| ApiError::internal("cannot serialise the instance", e))?;
        let plan_text =
            serde_json::to_string(&repaired.plan).map_err(|e| ApiError::internal("cannot serialise the plan", e))?;
        let text = crate::api::edits_text(&names, &edits);
        let words = text["zh"].as_str().unwrap_or_default().to_string();
        self.store
            .transaction(|tx| {
                let named =
                    label(&format!("调整：{words}").chars().take(crate::store::MAX_LABEL - 14).collect::<String>());
                let iid = insert_instance(tx, &repaired.instance, "edit", &inst_text, &named)?;
                crate::store::inherit_owner(tx, iid, row.instance)?;
                let pid = insert_plan(tx, iid, &repaired.plan, true, "edit", &plan_text, &named, Some(plan_id))?;
                finish_job(
                    tx,
                    row.id,
                    &json!({
                        "outcome": "planned",
                        "instance": iid,
                        "plan": pid,
                        "edits": edits,
                        "text": text,
                        "summary": { "changes": repaired.changes, "cost_delta": repaired.s1_delta },
                        "others": repaired.others,
                        "s1_delta": repaired.s1_delta,
                    }),
                )
            })
            .map_err(|e| ApiError::store("cannot store the repaired plan", &e))
    }

    fn run_scenarios(&self, row: &JobRow) -> Result<(), ApiError> {
        use sanlian_scenarios::{chart_svg, recipes, run_recipes, sweeps, to_csv, to_json, RunOptions, Spec};
        let inst = self.instance(row.instance)?;
        let body =
            self.store.job_body(row.id).map_err(|e| ApiError::internal("cannot read the spec", e))?.unwrap_or_default();
        let invalid = |e: sanlian_scenarios::SpecError| {
            ApiError::bad_request("invalid_spec", Msg::new("api.invalid_spec").arg("why", e))
        };
        let spec = Spec::from_json(&body).map_err(invalid)?;
        let family = recipes(&inst, &spec).map_err(invalid)?;
        self.set_progress(row.id, "variants", 0, family.len());
        let opts =
            RunOptions { cancel: self.cancel_flag(row.id), settle: self.settle_flag(row.id), ..RunOptions::of(&spec) };
        let rows =
            run_recipes(&inst, &family, &opts, &|done, total| self.set_progress(row.id, "variants", done, total));
        let stopped = opts.settle.as_ref().is_some_and(|f| f.load(Ordering::Relaxed));
        let charts: Vec<Value> =
            sweeps(&rows).iter().map(|s| json!({ "sweep": s, "svg": chart_svg(&rows, s) })).collect();
        let table: Value = serde_json::from_str(&to_json(&rows))
            .map_err(|e| ApiError::internal("cannot read back the scenario table", e))?;
        let result = json!({
            "outcome": "rows",
            "name": spec.name,
            "rows": table,
            "csv": to_csv(&rows),
            "charts": charts,
            "stopped": stopped,
        });
        self.store
            .transaction(|tx| finish_job(tx, row.id, &result))
            .map_err(|e| ApiError::store("cannot store the scenario table", &e))
    }

    fn run_tradeoffs(self: &Arc<Self>, row: &JobRow) -> Result<(), ApiError> {
        use sanlian_tradeoffs::{Epsilon, TradeoffError};
        let req: TradeoffRequest = serde_json::from_str(&row.request)
            .map_err(|e| ApiError::internal("a stored job request does not parse", e))?;
        let mut opts = req.validate()?;
        let inst = self.instance(row.instance)?;
        tradeoffs_admit(row.instance, &inst)?;
        let total = sanlian_tradeoffs::max_solves(opts.points);
        self.set_progress(row.id, "tradeoffs", 0, total);
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (app, id) = (self.clone(), row.id);
        opts.cancel = self.cancel_flag(row.id);
        opts.on_solve = Some(Arc::new(move || {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            app.set_progress(id, "tradeoffs", n.min(total), total);
        }));
        let set = sanlian_tradeoffs::compute(&inst, &opts).map_err(|e| match e {
            TradeoffError::Input(why) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "tradeoffs_failed",
                Msg::new("api.tradeoffs_failed").arg("why", why),
            ),
            TradeoffError::Infeasible(why) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "tradeoffs_infeasible",
                Msg::new("api.tradeoffs_infeasible").arg("why", why),
            ),
            TradeoffError::Solve(why) => solve_failed(why),
            TradeoffError::Cancelled => ApiError::new(StatusCode::CONFLICT, "cancelled", Msg::new("api.cancelled")),
        })?;
        self.set_progress(row.id, "store", 0, 0);
        let mut texts = Vec::with_capacity(set.points.len());
        for p in &set.points {
            let plan =
                serde_json::to_string(&p.plan).map_err(|e| ApiError::internal("cannot serialise the plan", e))?;
            let instance = match p.epsilon {
                Epsilon::None => None,
                _ => Some(
                    serde_json::to_string(&p.instance)
                        .map_err(|e| ApiError::internal("cannot serialise the instance", e))?,
                ),
            };
            texts.push((plan, instance));
        }
        let title = format!("{}：取舍 / trade-offs", inst.name);
        let svg = sanlian_tradeoffs::chart::svg(&set, &title);
        let plain_s1 = set.points.first().map_or(0.0, |p| p.metrics.s1);
        let plain_travel = set.points.first().map_or(0.0, |p| p.metrics.travel);
        self.store
            .transaction(|tx| {
                let mut points = Vec::with_capacity(set.points.len());
                for (p, (plan_text, inst_text)) in set.points.iter().zip(&texts) {
                    let named = label(&tradeoff_label(&p.id, &p.line_zh));
                    // A point solved under an ε is stored with the instance it was solved on,
                    // so that its check is the check of that ε; the plain optimum belongs to
                    // the instance itself.
                    let iid = match inst_text {
                        Some(text) => {
                            let iid = insert_instance(tx, &p.instance, "tradeoffs", text, &named)?;
                            crate::store::inherit_owner(tx, iid, row.instance)?;
                            iid
                        }
                        None => row.instance,
                    };
                    let pid = insert_plan(tx, iid, &p.plan, true, "tradeoffs", plan_text, &named, None)?;
                    let mut point = serde_json::to_value(p).unwrap_or_default();
                    point["plan"] = json!(pid);
                    point["instance"] = json!(iid);
                    point["s1_delta"] = json!(p.metrics.s1 - plain_s1);
                    point["travel_delta"] = json!(p.metrics.travel - plain_travel);
                    points.push(point);
                }
                finish_job(
                    tx,
                    row.id,
                    &json!({
                        "outcome": "tradeoffs",
                        "points": points,
                        "left_out": set.left_out,
                        "svg": svg,
                        "options": { "points": opts.points, "reach_km": opts.reach_km, "time_limit": opts.time_limit },
                    }),
                )
            })
            .map_err(|e| ApiError::store("cannot store the trade-off plans", &e))
    }

    /// Drop a deleted instance from the cache.
    pub(crate) fn forget_instance(&self, id: i64) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).retain(|(i, _)| *i != id);
    }

    /// A stored instance, parsed (recently used ones are cached).
    pub fn instance(&self, id: i64) -> Result<Arc<Instance>, ApiError> {
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((_, inst)) = cache.iter().find(|(i, _)| *i == id) {
                return Ok(inst.clone());
            }
        }
        let text = self.store.instance_json(id).map_err(|e| ApiError::internal("cannot read the instance", e))?;
        let text = text.ok_or_else(|| ApiError::no_such("instance", id))?;
        let inst = Arc::new(
            Instance::from_json(&text).map_err(|e| ApiError::internal("a stored instance does not parse", e))?,
        );
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(i, _)| *i != id);
        cache.insert(0, (id, inst.clone()));
        cache.truncate(CACHED_INSTANCES);
        Ok(inst)
    }

    /// A stored plan with its instance id.
    pub fn plan(&self, id: i64) -> Result<(i64, Plan), ApiError> {
        let (instance, text) = self
            .store
            .plan_json(id)
            .map_err(|e| ApiError::internal("cannot read the plan", e))?
            .ok_or_else(|| ApiError::no_such("plan", id))?;
        let plan = serde_json::from_str(&text).map_err(|e| ApiError::internal("a stored plan does not parse", e))?;
        Ok((instance, plan))
    }
}

/// Parsed instances kept in memory.
const CACHED_INSTANCES: usize = 8;

fn engine_failed(e: sanlian_engine::EngineError) -> ApiError {
    match e {
        sanlian_engine::EngineError::Solve(s) => solve_failed(s),
        sanlian_engine::EngineError::Input(i) => ApiError::input(&i),
        rejected => ApiError::internal("the checker rejects the solver's plan; nothing was stored", rejected),
    }
}

fn solve_failed(why: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "solve_failed", Msg::new("api.solve_failed").arg("why", why))
}

/// The label of a trade-off point's plan and instance: "权衡 B：多花 ¥8,200，…", short
/// enough for the time the store adds.
fn tradeoff_label(id: &str, line_zh: &str) -> String {
    format!("权衡 {id}：{line_zh}").chars().take(crate::store::MAX_LABEL - 14).collect()
}

/// The numbers of a plan a job result shows.
pub fn plan_summary(plan: &Plan) -> Value {
    json!({
        "mode": plan.mode,
        "groups": plan.groups.len(),
        "coverage": plan.coverage,
        "travel": plan.costs.travel,
        "stay": plan.costs.stay,
        "stages": plan.stages,
        "shortfalls": plan.shortfalls.len(),
        "seconds": plan.seconds,
    })
}

/// A strict-infeasible outcome: the certificates, and their text in both languages.
fn infeasible(inst: &Instance, certs: &[Certificate]) -> Value {
    let names = Names::of(inst);
    json!({
        "outcome": "infeasible",
        "certificates": certs,
        "text": { "zh": certificates_with(certs, Lang::Zh, &names), "en": certificates_with(certs, Lang::En, &names) },
    })
}

/// What a re-plan was for, as a planner says it: "调整：P012 离岗、K3 由 K9 接任".
fn events_label(events: &Events) -> String {
    use sanlian_model::Event;
    let parts: Vec<String> = events
        .events
        .iter()
        .take(3)
        .map(|e| match e {
            Event::Leave { cadre, .. } => format!("{cadre} 离岗"),
            Event::Join { cadre, .. } => format!("{} 加入", cadre.id),
            Event::Replace { cadre, successor, .. } => format!("{cadre} 由 {} 接任", successor.id),
            Event::Unavailable { cadre, months, .. } => format!("{cadre} 暂不可下沉 {}", months.join("、")),
        })
        .collect();
    let more = events.events.len().saturating_sub(parts.len());
    let tail = if more > 0 { format!(" 等 {} 项", events.events.len()) } else { String::new() };
    let text: String = format!("调整：{}{tail}", parts.join("、"));
    text.chars().take(crate::store::MAX_LABEL - 14).collect()
}
