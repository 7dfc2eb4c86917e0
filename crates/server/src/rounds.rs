//! The work plan's process (§六) as a service: the province starts a round (the allocation of
//! its cadres to the cities, each city's sub-instance stored as that city's own); each city
//! plans and submits; the province reviews — each submission's diff against its own optimum
//! and the last approved version, the merged province plan checked with every rule — and
//! approves or returns it with comments per group; the city then records its letters sent.
//!
//! One plan per city per round, in a state machine: 草稿 draft → 已报审 submitted →
//! 已通过 approved | 已退回 returned (→ submitted again) ; approved → 已函告 notified. Every
//! request names the version it acts on: a stale one is refused with 409 and nothing changes.
//! Every transition is recorded: who, when, from which state, to which, why.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use sanlian_explain::render::{certificates_with, Names};
use sanlian_model::{Allocation, Instance, Lang, Msg, Plan, Spread};
use sanlian_process::ProcessError;
use sanlian_solver::SolveOptions;

use crate::api::{blocking, download, Document};
use crate::auth::{Role, Who};
use crate::error::ApiError;
use crate::routes::{covers, Owner};
use crate::store::{insert_instance, now, Store, StoreError};
use crate::upload::Upload;
use crate::App;

type Reply<T> = Result<T, ApiError>;

/// A city's plan's state in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CityState {
    /// 草稿: not submitted yet.
    Draft,
    /// 已报审: submitted, awaiting review.
    Submitted,
    /// 已通过: approved by the province.
    Approved,
    /// 已退回: returned with comments.
    Returned,
    /// 已函告: approved, and the counties informed by letter.
    Notified,
}

impl CityState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CityState::Draft => "draft",
            CityState::Submitted => "submitted",
            CityState::Approved => "approved",
            CityState::Returned => "returned",
            CityState::Notified => "notified",
        }
    }

    /// The planners' word for it.
    pub fn zh(self) -> &'static str {
        match self {
            CityState::Draft => "草稿",
            CityState::Submitted => "已报审",
            CityState::Approved => "已通过",
            CityState::Returned => "已退回",
            CityState::Notified => "已函告",
        }
    }

    fn parse(s: &str) -> CityState {
        match s {
            "submitted" => CityState::Submitted,
            "approved" => CityState::Approved,
            "returned" => CityState::Returned,
            "notified" => CityState::Notified,
            _ => CityState::Draft,
        }
    }
}

/// The moves of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Submit (draft or returned → submitted).
    Submit,
    /// Return with comments (submitted → returned).
    Return,
    /// Approve (submitted → approved).
    Approve,
    /// Letters sent (approved → notified).
    Notify,
}

impl Move {
    /// The states the move starts from, and the state it ends in.
    pub fn from_to(self) -> (&'static [CityState], CityState) {
        use CityState::*;
        match self {
            Move::Submit => (&[Draft, Returned], Submitted),
            Move::Return => (&[Submitted], Returned),
            Move::Approve => (&[Submitted], Approved),
            Move::Notify => (&[Approved], Notified),
        }
    }
}

/// A round as stored.
#[derive(Debug, Clone, Serialize)]
pub struct RoundRow {
    /// Id.
    pub id: i64,
    /// The province instance.
    pub instance: i64,
    /// What the province calls it.
    pub label: String,
    /// When it was started.
    pub created: String,
    /// Who started it.
    pub author: String,
}

/// One city's part of a round.
#[derive(Debug, Clone, Serialize)]
pub struct RoundCity {
    /// City code.
    pub city: String,
    /// City name.
    pub name: String,
    /// The city's sub-instance (owned by the city).
    pub instance: i64,
    /// Its state.
    pub state: CityState,
    /// The state in the planners' words.
    pub state_zh: &'static str,
    /// Submissions so far (0 before the first).
    pub version: i64,
    /// The plan submitted last.
    pub plan: Option<i64>,
    /// The plan approved last.
    pub approved: Option<i64>,
}

/// One recorded transition.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    /// The version it acted on.
    pub version: i64,
    /// From.
    pub from: CityState,
    /// To.
    pub to: CityState,
    /// Who.
    pub user: String,
    /// When (UTC).
    pub at: String,
    /// Why (a reviewer's comment).
    pub comment: String,
    /// Comments per group (county code → comment).
    pub groups: BTreeMap<String, String>,
    /// The plan it concerned.
    pub plan: Option<i64>,
}

/// Why a move was refused.
#[derive(Debug)]
pub enum MoveRefused {
    /// The store failed.
    Store(StoreError),
    /// The version named is not the current one.
    Stale {
        /// The current version.
        current: i64,
        /// Its state.
        state: CityState,
    },
    /// The state does not allow the move.
    State(CityState),
}

fn city_row(r: &rusqlite::Row) -> rusqlite::Result<RoundCity> {
    let state = CityState::parse(&r.get::<_, String>(3)?);
    Ok(RoundCity {
        city: r.get(0)?,
        name: r.get(1)?,
        instance: r.get(2)?,
        state,
        state_zh: state.zh(),
        version: r.get(4)?,
        plan: r.get(5)?,
        approved: r.get(6)?,
    })
}

const CITY_COLUMNS: &str = "city, name, instance, state, version, plan, approved";

impl Store {
    /// Who owns instance `id` (`None`: no such instance; `Some(None)`: the province).
    pub fn instance_owner(&self, id: i64) -> Result<Option<Option<String>>, StoreError> {
        self.with(|c| c.query_row("SELECT city FROM instances WHERE id = ?1", [id], |r| r.get(0)).optional())
    }

    /// Who owns plan `id` (its instance's owner).
    pub fn plan_owner(&self, id: i64) -> Result<Option<Option<String>>, StoreError> {
        self.with(|c| {
            c.query_row("SELECT i.city FROM plans p JOIN instances i ON i.id = p.instance WHERE p.id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Who owns job `id` (its instance's owner).
    pub fn job_owner(&self, id: i64) -> Result<Option<Option<String>>, StoreError> {
        self.with(|c| {
            c.query_row("SELECT i.city FROM jobs j JOIN instances i ON i.id = j.instance WHERE j.id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// The owner of every instance, by id.
    pub fn owners(&self) -> Result<std::collections::HashMap<i64, Option<String>>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare("SELECT id, city FROM instances")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect();
            rows
        })
    }

    /// Whether round `id` exists.
    pub fn round_exists(&self, id: i64) -> Result<bool, StoreError> {
        self.with(|c| c.prepare("SELECT 1 FROM rounds WHERE id = ?1")?.exists([id]))
    }

    /// Whether round `id` has city `code`.
    pub fn round_city_exists(&self, id: i64, code: &str) -> Result<bool, StoreError> {
        self.with(|c| c.prepare("SELECT 1 FROM round_cities WHERE round = ?1 AND city = ?2")?.exists(params![id, code]))
    }

    /// Every round, newest first.
    pub fn rounds(&self) -> Result<Vec<RoundRow>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare("SELECT id, instance, label, created, author FROM rounds ORDER BY id DESC")?;
            let rows = st
                .query_map([], |r| {
                    Ok(RoundRow {
                        id: r.get(0)?,
                        instance: r.get(1)?,
                        label: r.get(2)?,
                        created: r.get(3)?,
                        author: r.get(4)?,
                    })
                })?
                .collect();
            rows
        })
    }

    /// A round with its allocation, province plan and prices (JSON texts).
    pub fn round(&self, id: i64) -> Result<Option<(RoundRow, String, String, String)>, StoreError> {
        self.with(|c| {
            c.query_row(
                "SELECT id, instance, label, created, author, allocation, province_plan, prices FROM rounds WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        RoundRow {
                            id: r.get(0)?,
                            instance: r.get(1)?,
                            label: r.get(2)?,
                            created: r.get(3)?,
                            author: r.get(4)?,
                        },
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .optional()
        })
    }

    /// The cities of round `id`, in allocation order.
    pub fn round_cities(&self, id: i64) -> Result<Vec<RoundCity>, StoreError> {
        self.with(|c| {
            let mut st =
                c.prepare(&format!("SELECT {CITY_COLUMNS} FROM round_cities WHERE round = ?1 ORDER BY rowid"))?;
            let rows = st.query_map([id], city_row)?.collect();
            rows
        })
    }

    /// City `code` of round `id`.
    pub fn round_city(&self, id: i64, code: &str) -> Result<Option<RoundCity>, StoreError> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {CITY_COLUMNS} FROM round_cities WHERE round = ?1 AND city = ?2"),
                params![id, code],
                city_row,
            )
            .optional()
        })
    }

    /// The transitions of city `code` in round `id`, oldest first.
    pub fn transitions(&self, id: i64, code: &str) -> Result<Vec<Transition>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT version, from_state, to_state, user, at, comment, groups, plan FROM transitions
                 WHERE round = ?1 AND city = ?2 ORDER BY id",
            )?;
            let rows = st
                .query_map(params![id, code], |r| {
                    Ok(Transition {
                        version: r.get(0)?,
                        from: CityState::parse(&r.get::<_, String>(1)?),
                        to: CityState::parse(&r.get::<_, String>(2)?),
                        user: r.get(3)?,
                        at: r.get(4)?,
                        comment: r.get(5)?,
                        groups: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
                        plan: r.get(7)?,
                    })
                })?
                .collect();
            rows
        })
    }

    /// Store a new round: its allocation, the province plan it was read off, the prices of
    /// the spreading rules, and each city's sub-instance, owned by the city.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_round(
        &self,
        instance: i64,
        label: &str,
        author: &str,
        allocation: &str,
        province_plan: &str,
        prices: &str,
        cities: &[(String, String, Instance)],
    ) -> Result<i64, StoreError> {
        self.transaction(|tx| {
            tx.execute(
                "INSERT INTO rounds (instance, label, created, author, allocation, province_plan, prices)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![instance, label, now(), author, allocation, province_plan, prices],
            )?;
            let round = tx.last_insert_rowid();
            for (code, name, sub) in cities {
                let text =
                    serde_json::to_string(sub).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                let iid = insert_instance(tx, sub, "round", &text, &format!("{label} · {name}"))?;
                tx.execute("UPDATE instances SET city = ?2 WHERE id = ?1", params![iid, code])?;
                tx.execute(
                    "INSERT INTO round_cities (round, city, name, instance, state) VALUES (?1, ?2, ?3, ?4, 'draft')",
                    params![round, code, name, iid],
                )?;
            }
            Ok(round)
        })
    }

    /// Replace a round's allocation and its cities' sub-instances; only while no city has submitted.
    pub fn replace_allocation(
        &self,
        round: i64,
        allocation: &str,
        cities: &[(String, String, Instance)],
    ) -> Result<bool, StoreError> {
        self.transaction(|tx| {
            let submitted: i64 =
                tx.query_row("SELECT count(*) FROM round_cities WHERE round = ?1 AND version > 0", [round], |r| {
                    r.get(0)
                })?;
            if submitted > 0 {
                return Ok(false);
            }
            let label: String = tx.query_row("SELECT label FROM rounds WHERE id = ?1", [round], |r| r.get(0))?;
            tx.execute("UPDATE rounds SET allocation = ?2 WHERE id = ?1", params![round, allocation])?;
            for (code, name, sub) in cities {
                let text =
                    serde_json::to_string(sub).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                let iid = insert_instance(tx, sub, "round", &text, &format!("{label} · {name}"))?;
                tx.execute("UPDATE instances SET city = ?2 WHERE id = ?1", params![iid, code])?;
                tx.execute(
                    "UPDATE round_cities SET instance = ?3 WHERE round = ?1 AND city = ?2",
                    params![round, code, iid],
                )?;
            }
            Ok(true)
        })
    }

    /// Make a move on city `code` of round `id` at `version`, recorded with who and why, in
    /// one transaction: it happens exactly when the city is at that version in a state the
    /// move starts from. A submission moves the version on and names its plan; an approval
    /// keeps the plan as the approved one.
    #[allow(clippy::too_many_arguments)]
    pub fn make_move(
        &self,
        id: i64,
        code: &str,
        mv: Move,
        version: i64,
        user: &str,
        comment: &str,
        groups: &BTreeMap<String, String>,
        plan: Option<i64>,
    ) -> Result<RoundCity, MoveRefused> {
        let (from, to) = mv.from_to();
        self.transaction(|tx| {
            let (state, current, held): (String, i64, Option<i64>) = tx.query_row(
                "SELECT state, version, plan FROM round_cities WHERE round = ?1 AND city = ?2",
                params![id, code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let state = CityState::parse(&state);
            if current != version {
                return Ok(Err(MoveRefused::Stale { current, state }));
            }
            if !from.contains(&state) {
                return Ok(Err(MoveRefused::State(state)));
            }
            let (new_version, new_plan) = match mv {
                Move::Submit => (version + 1, plan),
                _ => (version, held),
            };
            tx.execute(
                "UPDATE round_cities SET state = ?3, version = ?4, plan = ?5 WHERE round = ?1 AND city = ?2",
                params![id, code, to.as_str(), new_version, new_plan],
            )?;
            if mv == Move::Approve {
                tx.execute(
                    "UPDATE round_cities SET approved = plan WHERE round = ?1 AND city = ?2",
                    params![id, code],
                )?;
            }
            tx.execute(
                "INSERT INTO transitions (round, city, version, from_state, to_state, user, at, comment, groups, plan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id,
                    code,
                    new_version,
                    state.as_str(),
                    to.as_str(),
                    user,
                    now(),
                    comment,
                    serde_json::to_string(groups).unwrap_or_else(|_| "{}".into()),
                    new_plan
                ],
            )?;
            Ok(Ok(()))
        })
        .map_err(MoveRefused::Store)??;
        self.round_city(id, code).map_err(MoveRefused::Store)?.ok_or(MoveRefused::State(CityState::Draft))
    }
}

fn store_error(context: &'static str) -> impl Fn(StoreError) -> ApiError {
    move |e| ApiError::store(context, &e)
}

fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Reply<T> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::json(what, &e))
}

/// Text made elsewhere in two languages (a certificate) as a message, in the request's language.
fn in_request_lang(zh: String, en: String) -> Msg {
    Msg::new("loc.raw").arg("at", if crate::error::current_lang() == Lang::Zh { zh } else { en })
}

/// The user's view of a round's cities: all for the province, its own for a city or county.
fn visible(who: &Who, cities: Vec<RoundCity>) -> Vec<RoundCity> {
    match who.user() {
        None => cities,
        Some(u) => cities.into_iter().filter(|c| covers(u, &Owner::City(c.city.clone()), false)).collect(),
    }
}

fn is_province(who: &Who) -> bool {
    who.user().is_none_or(|u| u.role.is_province())
}

/// `GET /api/rounds`: every round, with the cities the user's scope covers.
pub(crate) async fn list(State(app): State<Arc<App>>, Extension(who): Extension<Who>) -> Reply<Json<Value>> {
    let rounds = app.store.rounds().map_err(store_error("cannot list the rounds"))?;
    let mut out = Vec::new();
    for r in rounds {
        let cities = visible(&who, app.store.round_cities(r.id).map_err(store_error("cannot read the round"))?);
        if cities.is_empty() && !is_province(&who) {
            continue;
        }
        out.push(json!({ "round": r, "cities": cities }));
    }
    Ok(Json(Value::Array(out)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewRound {
    instance: i64,
    #[serde(default)]
    spread: Spread,
    #[serde(default)]
    label: Option<String>,
}

/// Longest a round's allocation may take, seconds.
const ROUND_TIME_LIMIT: f64 = 120.0;

fn process_error(e: ProcessError, city_names: &Instance) -> ApiError {
    match e {
        ProcessError::Input(e) => ApiError::input(&e),
        ProcessError::Infeasible { city, certificates } => {
            let names = Names::of(city_names);
            let where_ = city
                .as_deref()
                .and_then(|c| city_names.region.cities.iter().find(|x| x.code == c))
                .map_or_else(|| city_names.region.province.name.clone(), |c| c.name.clone());
            let mut e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "infeasible",
                Msg::new("api.round_infeasible").arg("where", where_),
            );
            e.details = vec![in_request_lang(
                certificates_with(&certificates, Lang::Zh, &names),
                certificates_with(&certificates, Lang::En, &names),
            )];
            e
        }
        ProcessError::Allocation(problems) => {
            let mut e =
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_allocation", Msg::new("api.bad_allocation"));
            e.details =
                problems.iter().map(|p| Msg::new("loc.problem").arg("path", &p.path).arg("why", &p.message)).collect();
            e
        }
        ProcessError::UnknownCity(c) => ApiError::no_such("city", c),
        ProcessError::Missing(what) => {
            ApiError::new(StatusCode::CONFLICT, "incomplete", Msg::new("api.merge_incomplete").arg("what", what))
        }
        ProcessError::Engine(e) => ApiError::internal("the engine failed", e),
    }
}

fn options() -> SolveOptions {
    SolveOptions { time_limit: Some(ROUND_TIME_LIMIT), threads: 1, ..SolveOptions::default() }
}

/// Each city's sub-instance under `allocation`, every one planned once to show it can be:
/// a city the allocation leaves without a plan is refused with its certificate.
fn sub_instances(inst: &Instance, allocation: &Allocation) -> Reply<Vec<(String, String, Instance)>> {
    let planned = sanlian_process::plan_cities(inst, allocation, &options()).map_err(|e| {
        let names = match &e {
            ProcessError::Infeasible { city: Some(c), .. } => {
                sanlian_process::city_instance(inst, allocation, c).unwrap_or_else(|_| inst.clone())
            }
            _ => inst.clone(),
        };
        process_error(e, &names)
    })?;
    Ok(planned
        .into_iter()
        .map(|p| {
            let name = allocation.share(&p.city).map_or_else(|| p.city.clone(), |s| s.city_name.clone());
            (p.city, name, p.instance)
        })
        .collect())
}

fn province_instance(app: &App, id: i64) -> Reply<Arc<Instance>> {
    match app.store.instance_owner(id).map_err(store_error("cannot read the instance"))? {
        None => Err(ApiError::no_such("instance", id)),
        Some(Some(city)) => Err(ApiError::bad_request(
            "not_a_province_instance",
            Msg::new("api.not_province_instance").arg("id", id).arg("city", city),
        )
        .at("instance")),
        Some(None) => app.instance(id),
    }
}

/// `POST /api/rounds {"instance", "spread"?, "label"?}`: allocate the province's cadres to
/// the cities under the spreading rules, and store each city's sub-instance as the city's.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Who>,
    upload: Upload,
) -> Reply<(StatusCode, Json<Value>)> {
    let req: NewRound = json_body(&upload, "round")?;
    let label = req.label.unwrap_or_default().trim().to_string();
    if label.chars().count() > crate::store::MAX_LABEL || label.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad_label",
            Msg::new("api.bad_label").arg("most", crate::store::MAX_LABEL).arg("count", label.chars().count()),
        )
        .at("label"));
    }
    let inst = province_instance(&app, req.instance)?;
    let app2 = app.clone();
    let author = who.name().to_string();
    let id = blocking(&app, move || {
        let allocated =
            sanlian_process::allocate(&inst, &req.spread, &options()).map_err(|e| process_error(e, &inst))?;
        let cities = sub_instances(&inst, &allocated.allocation)?;
        let label = if label.is_empty() { crate::store::label("第一轮") } else { label };
        app2.store
            .insert_round(
                req.instance,
                &label,
                &author,
                &text(&allocated.allocation),
                &text(&allocated.plan),
                &text(&allocated.prices),
                &cities,
            )
            .map_err(store_error("cannot store the round"))
    })
    .await?;
    let view = round_view(&app, id, &Who::Single)?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// JSON text of a value.
fn text<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn round_view(app: &App, id: i64, who: &Who) -> Reply<Value> {
    let (row, allocation, _, prices) = app
        .store
        .round(id)
        .map_err(store_error("cannot read the round"))?
        .ok_or_else(|| ApiError::no_such("round", id))?;
    let cities = visible(who, app.store.round_cities(id).map_err(store_error("cannot read the round"))?);
    let allocation: Value = serde_json::from_str(&allocation).unwrap_or(Value::Null);
    let mut out = json!({ "round": row, "cities": cities });
    if is_province(who) {
        out["allocation"] = allocation;
        out["prices"] = serde_json::from_str(&prices).unwrap_or(Value::Null);
    } else if let Some(u) = who.user().filter(|u| u.role != Role::County) {
        // A city sees its own share.
        let own = allocation["cities"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["city"].as_str() == u.city.as_deref()).cloned());
        out["allocation"] = json!({ "cities": own.into_iter().collect::<Vec<_>>() });
    }
    Ok(out)
}

/// `GET /api/rounds/{id}`.
pub(crate) async fn show(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Who>,
    Path(id): Path<String>,
) -> Reply<Json<Value>> {
    let id = round_id(&id)?;
    Ok(Json(round_view(&app, id, &who)?))
}

fn round_id(raw: &str) -> Reply<i64> {
    raw.parse::<i64>().map_err(|_| {
        ApiError::bad_request("invalid_id", Msg::new("api.invalid_id").arg("kind", "round").arg("id", raw)).at("id")
    })
}

/// The round's province instance and allocation.
fn round_inputs(app: &App, id: i64) -> Reply<(Arc<Instance>, Allocation, Plan)> {
    let (row, allocation, province, _) = app
        .store
        .round(id)
        .map_err(store_error("cannot read the round"))?
        .ok_or_else(|| ApiError::no_such("round", id))?;
    let allocation = Allocation::from_json(&allocation).map_err(|e| ApiError::input(&e))?;
    let province: Plan =
        serde_json::from_str(&province).map_err(|e| ApiError::internal("a stored plan is unreadable", e))?;
    Ok((app.instance(row.instance)?, allocation, province))
}

/// `PUT /api/rounds/{id}/allocation`: the province changes the allocation before any city has
/// submitted. An allocation that does not fit, or that leaves a city without a plan (its
/// certificate, in the city's words), is refused and nothing changes.
pub(crate) async fn reallocate(
    State(app): State<Arc<App>>,
    Path(raw): Path<String>,
    upload: Upload,
) -> Reply<Json<Value>> {
    let id = round_id(&raw)?;
    let text = std::str::from_utf8(&upload).map_err(|_| {
        ApiError::bad_request("not_utf8", Msg::new("api.not_utf8").arg("what", "allocation").arg("offset", 0))
    })?;
    let allocation = Allocation::from_json(text).map_err(|e| ApiError::input(&e))?;
    let (inst, _, _) = round_inputs(&app, id)?;
    let app2 = app.clone();
    blocking(&app, move || {
        let cities = sub_instances(&inst, &allocation)?;
        let text =
            serde_json::to_string(&allocation).map_err(|e| ApiError::internal("cannot write the allocation", e))?;
        if !app2.store.replace_allocation(id, &text, &cities).map_err(store_error("cannot store the allocation"))? {
            return Err(ApiError::new(StatusCode::CONFLICT, "round_started", Msg::new("api.round_started")));
        }
        Ok(())
    })
    .await?;
    Ok(Json(round_view(&app, id, &Who::Single)?))
}

fn city_of_round(app: &App, id: i64, code: &str) -> Reply<RoundCity> {
    app.store
        .round_city(id, code)
        .map_err(store_error("cannot read the round"))?
        .ok_or_else(|| ApiError::no_such("round city", format!("{id}/{code}")))
}

/// `GET /api/rounds/{id}/cities/{city}`: its state, version, history and counties.
pub(crate) async fn city(State(app): State<Arc<App>>, Path((raw, code)): Path<(String, String)>) -> Reply<Json<Value>> {
    let id = round_id(&raw)?;
    let rc = city_of_round(&app, id, &code)?;
    let history = app.store.transitions(id, &code).map_err(store_error("cannot read the history"))?;
    // The city's counties by name, for the comments per group (nothing personal).
    let counties: Vec<Value> =
        app.instance(rc.instance)?.region.counties.iter().map(|k| json!({ "code": k.code, "name": k.name })).collect();
    Ok(Json(json!({ "round": id, "city": rc, "history": history, "counties": counties })))
}

/// The province plan restricted to one city's sub-instance (its groups and its cadres).
fn restricted(plan: &Plan, sub: &Instance) -> Plan {
    let counties: std::collections::HashSet<&str> = sub.region.counties.iter().map(|k| k.code.as_str()).collect();
    let cadres: std::collections::HashSet<&str> = sub.cadres.iter().map(|c| c.id.as_str()).collect();
    let mut out = plan.clone();
    out.groups.retain(|g| counties.contains(g.county.as_str()));
    out.assignments.retain(|a| cadres.contains(a.cadre.as_str()));
    out.shortfalls.retain(|s| counties.iter().any(|k| s.subject.contains(k)));
    out
}

fn stored_plan(app: &App, id: i64) -> Reply<Plan> {
    Ok(app.plan(id)?.1)
}

/// `GET /api/rounds/{id}/cities/{city}/diff`: the submitted plan against the province's
/// optimum (restricted to the city) and against the last approved version.
pub(crate) async fn diff(State(app): State<Arc<App>>, Path((raw, code)): Path<(String, String)>) -> Reply<Json<Value>> {
    let id = round_id(&raw)?;
    let rc = city_of_round(&app, id, &code)?;
    let Some(current) = rc.plan else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_submitted",
            Msg::new("api.not_submitted").arg("city", &rc.name),
        ));
    };
    let (_, _, province) = round_inputs(&app, id)?;
    let sub = app.instance(rc.instance)?;
    let plan = stored_plan(&app, current)?;
    let approved = rc.approved.filter(|a| *a != current).map(|a| stored_plan(&app, a)).transpose()?;
    let lang = crate::error::current_lang();
    blocking(&app, move || {
        let one = |a: &Plan, b: &Plan| {
            let d = sanlian_explain::diff::diff(&sub, a, b);
            json!({ "text": sanlian_explain::render::plan_diff(&d, lang), "diff": d })
        };
        let province = restricted(&province, &sub);
        Ok(Json(json!({
            "city": rc,
            "against_province": one(&province, &plan),
            "against_approved": approved.as_ref().map(|a| one(a, &plan)),
        })))
    })
    .await
}

/// What a round's city document is made of: the city's sub-instance and its plan (the approved
/// one once there is one), and the county a county viewer is limited to. A county viewer sees
/// documents only once the plan is approved.
fn city_document(app: &App, who: &Who, raw: &str, code: &str) -> Reply<(Arc<Instance>, Plan, Option<String>)> {
    let id = round_id(raw)?;
    let rc = city_of_round(app, id, code)?;
    let county = who.user().filter(|u| u.role == Role::County).and_then(|u| u.county.clone());
    let pid = match (&county, rc.approved, rc.plan) {
        (Some(_), Some(a), _) => a,
        (Some(_), None, _) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_approved",
                Msg::new("api.not_approved").arg("city", &rc.name),
            ))
        }
        (None, Some(a), _) | (None, None, Some(a)) => a,
        (None, None, None) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_submitted",
                Msg::new("api.not_submitted").arg("city", &rc.name),
            ))
        }
    };
    let sub = app.instance(rc.instance)?;
    let plan = stored_plan(app, pid)?;
    if let Some(county) = &county {
        if !plan.groups.iter().any(|g| &g.county == county) {
            return Err(ApiError::no_such("county", county));
        }
    }
    Ok((sub, plan, county))
}

/// `GET /api/rounds/{id}/cities/{city}/letters.docx` (函告), `checkin.docx` (报到 lists),
/// `budget.xlsx` and `budget.docx` (经费测算表), rendered off the request thread: the city's
/// plan, the approved one once there is one; a county viewer gets its own county's letter and
/// 报到 list.
pub(crate) async fn document(
    app: Arc<App>,
    who: Who,
    (raw, code): (String, String),
    kind: CityDocument,
) -> Reply<Response> {
    let (sub, plan, county) = city_document(&app, &who, &raw, &code)?;
    let name = format!(
        "{}-{code}{}.{}",
        kind.stem(),
        county.as_deref().map(|c| format!("-{c}")).unwrap_or_default(),
        kind.ext()
    );
    let bytes = blocking(&app, move || kind.render(&sub, &plan, county.as_deref())).await?;
    Ok(download(kind.content_type(), name, bytes))
}

/// A round city's documents.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CityDocument {
    /// 函告.
    Letters,
    /// 报到 lists or the budget.
    Other(Document),
}

impl CityDocument {
    fn stem(self) -> &'static str {
        match self {
            CityDocument::Letters => "letters",
            CityDocument::Other(Document::Checkin) => "checkin",
            CityDocument::Other(_) => "budget",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            CityDocument::Other(Document::BudgetXlsx) => "xlsx",
            _ => "docx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            CityDocument::Letters => crate::api::DOCX,
            CityDocument::Other(d) => d.content_type(),
        }
    }

    fn render(self, sub: &Instance, plan: &Plan, county: Option<&str>) -> Reply<Vec<u8>> {
        match self {
            CityDocument::Letters => {
                let scope = sanlian_files::Scope::new(&sub.region, None, county)
                    .map_err(|e| ApiError::not_found(Msg::new("loc.raw").arg("at", &e)))?;
                sanlian_files::letters::letters_docx_in(sub, plan, &scope)
                    .map_err(|e| ApiError::internal("cannot write the letters", e))
            }
            CityDocument::Other(d) => d.render(sub, plan, None, county),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Submission {
    plan: i64,
    version: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Review {
    version: i64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    groups: BTreeMap<String, String>,
}

/// Longest comment, in characters.
pub const MAX_COMMENT: usize = 2000;

fn refused(e: MoveRefused, rc_name: &str) -> ApiError {
    match e {
        MoveRefused::Store(e) => ApiError::store("cannot record the transition", &e),
        MoveRefused::Stale { current, state } => ApiError::new(
            StatusCode::CONFLICT,
            "stale_version",
            Msg::new("api.stale_version").arg("city", rc_name).arg("current", current).arg("state", state.zh()),
        ),
        MoveRefused::State(state) => ApiError::new(
            StatusCode::CONFLICT,
            "wrong_state",
            Msg::new("api.wrong_state").arg("city", rc_name).arg("state", state.zh()),
        ),
    }
}

/// `POST /api/rounds/{id}/cities/{city}/submit {"plan", "version"}`: the city's plan of its
/// sub-instance, valid under every rule and its allocation, goes to the province for review.
pub(crate) async fn submit(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Who>,
    Path((raw, code)): Path<(String, String)>,
    upload: Upload,
) -> Reply<Json<Value>> {
    let id = round_id(&raw)?;
    let req: Submission = json_body(&upload, "submission")?;
    let rc = city_of_round(&app, id, &code)?;
    // A plan of another owner is answered as missing: its id says nothing.
    let owner = app.store.plan_owner(req.plan).map_err(store_error("cannot read the plan"))?;
    match (owner, who.user()) {
        (None, _) => return Err(ApiError::no_such("plan", req.plan).at("plan")),
        (Some(o), Some(u)) if !covers(u, &o.clone().map_or(Owner::Province, Owner::City), true) => {
            return Err(ApiError::no_such("plan", req.plan).at("plan"))
        }
        _ => {}
    }
    let (pinst, plan) = app.plan(req.plan)?;
    if pinst != rc.instance {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_round_plan",
            Msg::new("api.not_round_plan").arg("plan", req.plan).arg("city", &rc.name).arg("instance", rc.instance),
        )
        .at("plan"));
    }
    let (inst, allocation, _) = round_inputs(&app, id)?;
    let code2 = code.clone();
    let report = blocking(&app, move || {
        sanlian_process::check_city_plan(&inst, &allocation, &code2, &plan).map_err(|e| process_error(e, &inst))
    })
    .await?;
    if !report.is_valid() {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_plan",
            Msg::new("api.invalid_city_plan").arg("city", &rc.name).arg("count", report.violations.len()),
        );
        e.details = report.violations.iter().take(50).map(|v| Msg::new("loc.raw").arg("at", v)).collect();
        return Err(e);
    }
    let moved = app
        .store
        .make_move(id, &code, Move::Submit, req.version, who.name(), "", &BTreeMap::new(), Some(req.plan))
        .map_err(|e| refused(e, &rc.name))?;
    Ok(Json(json!({ "city": moved })))
}

/// `POST /api/rounds/{id}/cities/{city}/return {"version", "comment", "groups": {county: comment}}`,
/// `…/approve {"version", "comment"?}` and `…/notify {"version"}` (the letters went out, 已函告).
pub(crate) async fn review(
    app: Arc<App>,
    who: Who,
    (raw, code): (String, String),
    upload: Upload,
    mv: Move,
) -> Reply<Json<Value>> {
    let id = round_id(&raw)?;
    let req: Review = json_body(&upload, "review")?;
    let rc = city_of_round(&app, id, &code)?;
    let comment = req.comment.trim().to_string();
    if mv == Move::Return && comment.is_empty() && req.groups.values().all(|c| c.trim().is_empty()) {
        return Err(ApiError::bad_request("comment_required", Msg::new("api.comment_required")).at("comment"));
    }
    let too_long = |c: &str| c.chars().count() > MAX_COMMENT || c.chars().any(|ch| ch.is_control() && ch != '\n');
    if too_long(&comment) {
        return Err(
            ApiError::bad_request("bad_comment", Msg::new("api.bad_comment").arg("most", MAX_COMMENT)).at("comment")
        );
    }
    if !req.groups.is_empty() {
        let sub = app.instance(rc.instance)?;
        if req.groups.len() > sub.region.counties.len() {
            return Err(
                ApiError::bad_request("bad_comment", Msg::new("api.bad_comment").arg("most", MAX_COMMENT)).at("groups")
            );
        }
        for (county, c) in &req.groups {
            if !sub.region.counties.iter().any(|k| &k.code == county) {
                return Err(ApiError::bad_request(
                    "unknown_county",
                    Msg::new("api.comment_county").arg("county", county).arg("city", &rc.name),
                )
                .at(format!("groups.{county}")));
            }
            if too_long(c) {
                return Err(ApiError::bad_request("bad_comment", Msg::new("api.bad_comment").arg("most", MAX_COMMENT))
                    .at(format!("groups.{county}")));
            }
        }
    }
    if !matches!(mv, Move::Return) && !req.groups.is_empty() {
        return Err(ApiError::bad_request("comment_groups", Msg::new("api.comment_groups")).at("groups"));
    }
    let moved = app
        .store
        .make_move(id, &code, mv, req.version, who.name(), &comment, &req.groups, None)
        .map_err(|e| refused(e, &rc.name))?;
    Ok(Json(json!({ "city": moved })))
}

/// `GET /api/rounds/{id}/merged`: every city's current plan merged into one province plan,
/// checked with every rule (H9 across cities included), and the price of decentralisation.
pub(crate) async fn merged(State(app): State<Arc<App>>, Path(raw): Path<String>) -> Reply<Json<Value>> {
    let id = round_id(&raw)?;
    let cities = app.store.round_cities(id).map_err(store_error("cannot read the round"))?;
    let missing: Vec<String> =
        cities.iter().filter(|c| c.plan.is_none()).map(|c| format!("{} {}", c.city, c.name)).collect();
    if !missing.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "incomplete",
            Msg::new("api.merge_incomplete").arg("what", missing.join("、")),
        ));
    }
    let (inst, allocation, province) = round_inputs(&app, id)?;
    let mut plans = Vec::with_capacity(cities.len());
    for c in &cities {
        plans.push((c.city.clone(), stored_plan(&app, c.plan.unwrap_or_default())?));
    }
    let states: Vec<Value> = cities
        .iter()
        .map(|c| json!({ "city": c.city, "name": c.name, "state": c.state, "version": c.version }))
        .collect();
    blocking(&app, move || {
        let merged = sanlian_process::merge(&inst, &allocation, &province, &plans, &options())
            .map_err(|e| process_error(e, &inst))?;
        Ok(Json(json!({
            "valid": merged.report.is_valid(),
            "violations": merged.report.violations.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            "price": merged.price,
            "requota": merged.requota.is_some(),
            "cities": states,
            "report": merged.report,
        })))
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    before: Option<i64>,
    limit: Option<usize>,
}

/// `GET /api/audit?before=ID&limit=N`: the audit log, newest first, and the refusal counters.
pub(crate) async fn audit_log(
    State(app): State<Arc<App>>,
    crate::api::Query(q): crate::api::Query<AuditQuery>,
) -> Reply<Json<Value>> {
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let entries = app.store.audit_log(q.before, limit).map_err(store_error("cannot read the audit log"))?;
    let refused: serde_json::Map<String, Value> =
        app.refusals().into_iter().map(|(k, n)| (k.to_string(), json!(n))).collect();
    Ok(Json(json!({ "entries": entries, "refused": refused })))
}
