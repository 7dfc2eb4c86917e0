//! The province–city process of the work plan (§六.1–2, issue 13): 团省委 allocates its cadres
//! to the cities, each 团市委 plans its own counties, and the province checks the merged plan.
//!
//! - [`allocate`]: the province-wide optimum under the province's spreading rules (A1–A3),
//!   read off as an [`Allocation`] (who serves in which city, and each city's H9 quotas), with
//!   the S1 price of every rule against the optimum without them.
//! - [`plan_city`] / [`plan_cities`]: a city's plan on its sub-instance
//!   ([`sanlian_model::allocation::sub_instance`]), by the same engine.
//! - [`check_city_plan`]: whether a city's plan may be submitted.
//! - [`merge`]: the cities' plans as one province plan, checked against the province instance
//!   with every rule (H9 against the real caps), and the price of decentralisation.
//!
//! Like the solver, the crate does no I/O.

use std::collections::HashMap;

use rayon::prelude::*;
use sanlian_check::{Report, Rules};
use sanlian_engine::{Answer, EngineError};
use sanlian_model::allocation::{dropped_penalty, sub_instance};
use sanlian_model::{
    optimality, Allocation, Certificate, InputError, Instance, Plan, Prepared, Problem, Proof, Spread, StageReport,
    StageStatus,
};
use sanlian_solver::SolveOptions;
use serde::Serialize;

/// Why the process stopped.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The instance does not validate.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The engine gave no answer (time limit, HiGHS, a rejected plan).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// No plan keeps every rule: of the province under the spreading rules (`city` none), or
    /// of one city under its allocation, in that city's words.
    #[error("{} has no plan that keeps every rule:\n{}", .city.as_deref().unwrap_or("the province"), .certificates.iter().map(|c| format!("  {}", c.message)).collect::<Vec<_>>().join("\n"))]
    Infeasible {
        /// The city (its code), or none for the province.
        city: Option<String>,
        /// Why, checkable.
        certificates: Vec<Certificate>,
    },
    /// The allocation does not fit the instance.
    #[error("the allocation does not fit the instance:\n{}", .0.iter().map(|p| format!("  {}: {}", p.path, p.message)).collect::<Vec<_>>().join("\n"))]
    Allocation(Vec<Problem>),
    /// A city the allocation has no share for.
    #[error("{0} is not a city of the allocation")]
    UnknownCity(String),
    /// The merge lacks a city's plan, or a city's plan lacks a county or cadre of the city.
    #[error("the merge lacks {0}")]
    Missing(String),
}

/// The S1 cost of a set of spreading rules: the S1 optimum under them, against the optimum
/// without any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulePrice {
    /// Rule ids, e.g. ["A1"] or ["A1", "A2", "A3"].
    pub rules: Vec<String>,
    /// The rules in words.
    pub text: String,
    /// S1 under these rules; none when no plan keeps them.
    pub s1: Option<f64>,
    /// S1 under them minus S1 without any rule (yuan).
    pub delta: Option<f64>,
    /// `delta` as a share of S1 without any rule.
    pub share: Option<f64>,
}

/// What [`allocate`] gives.
#[derive(Debug, Clone)]
pub struct Allocated {
    /// Who serves in which city, and each city's H9 quotas.
    pub allocation: Allocation,
    /// The province-wide plan under the spreading rules, checked; the allocation is read off it.
    pub plan: Plan,
    /// S1 optimum without spreading rules.
    pub free_s1: f64,
    /// The price of each rule alone (when there are several) and of all together.
    pub prices: Vec<RulePrice>,
}

/// The province's allocation under `spread`: the province-wide optimum with rules A1–A3, its
/// allocation ([`Allocation::from_plan`]), and what each rule costs on S1.
pub fn allocate(inst: &Instance, spread: &Spread, opts: &SolveOptions) -> Result<Allocated, ProcessError> {
    let ruled = with_spread(inst, spread);
    let prep = Prepared::new(&ruled)?;
    let plan = match sanlian_engine::solve(&prep, opts)?.answer {
        Answer::Planned(p) => p.into_plan(),
        Answer::Infeasible(certificates) => return Err(ProcessError::Infeasible { city: None, certificates }),
    };
    let allocation = Allocation::from_plan(&prep, &plan, spread);
    let (free_s1, prices) = prices(inst, spread, opts)?;
    Ok(Allocated { allocation, plan, free_s1, prices })
}

/// `inst` with the spreading rules `spread` in force.
pub fn with_spread(inst: &Instance, spread: &Spread) -> Instance {
    let mut ruled = inst.clone();
    ruled.spread = spread.clone();
    ruled
}

/// S1 without rules, and the S1 price of each rule alone and of all together (each an S1
/// solve, in parallel).
pub fn prices(inst: &Instance, spread: &Spread, opts: &SolveOptions) -> Result<(f64, Vec<RulePrice>), ProcessError> {
    let rules = spread.rules();
    let mut variants: Vec<(Vec<String>, String, Spread)> = Vec::new();
    if rules.len() > 1 {
        for (id, text) in &rules {
            let alone = match *id {
                "A1" => Spread { min_province_per_city: spread.min_province_per_city, ..Spread::default() },
                "A2" => Spread { max_province_per_group: spread.max_province_per_group, ..Spread::default() },
                _ => Spread { min_cities_per_department: spread.min_cities_per_department, ..Spread::default() },
            };
            variants.push((vec![id.to_string()], text.clone(), alone));
        }
    }
    if !rules.is_empty() {
        let text = rules.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("; ");
        variants.push((rules.iter().map(|(id, _)| id.to_string()).collect(), text, spread.clone()));
    }
    let one = SolveOptions { threads: 1, ..opts.clone() };
    let s1_under = |s: &Spread| -> Result<Option<f64>, ProcessError> {
        let ruled = with_spread(inst, s);
        let prep = Prepared::new(&ruled)?;
        Ok(sanlian_solver::stages::groups(&prep, &one).map(|g| sanlian_solver::groups::s1_value(&prep, &g.county_of)))
    };
    let free = s1_under(&Spread::default())?.ok_or_else(|| ProcessError::Infeasible {
        city: None,
        certificates: Prepared::new(inst).map(|p| vec![sanlian_solver::certificate::joint(&p)]).unwrap_or_default(),
    })?;
    let priced: Vec<Result<RulePrice, ProcessError>> = variants
        .into_par_iter()
        .map(|(ids, text, s)| {
            let s1 = s1_under(&s)?;
            let delta = s1.map(|v| v - free);
            Ok(RulePrice { rules: ids, text, s1, delta, share: delta.map(|d| d / free.abs().max(1.0)) })
        })
        .collect();
    Ok((free, priced.into_iter().collect::<Result<_, _>>()?))
}

/// One city's plan on its sub-instance.
#[derive(Debug, Clone)]
pub struct CityPlan {
    /// City code.
    pub city: String,
    /// The city's sub-instance.
    pub instance: Instance,
    /// Its plan, checked against the sub-instance.
    pub plan: Plan,
}

/// The sub-instance of `city`, after checking that the allocation fits `inst`.
pub fn city_instance(inst: &Instance, allocation: &Allocation, city: &str) -> Result<Instance, ProcessError> {
    let ruled = with_spread(inst, &allocation.spread);
    let prep = Prepared::new(&ruled)?;
    let problems = allocation.problems(&prep);
    if !problems.is_empty() {
        return Err(ProcessError::Allocation(problems));
    }
    sub_instance(&ruled, allocation, city).ok_or_else(|| ProcessError::UnknownCity(city.to_string()))
}

/// Plan `city` on its sub-instance under `allocation`, by the engine (so checked). A city the
/// allocation leaves no plan answers [`ProcessError::Infeasible`] with the city's certificates.
pub fn plan_city(
    inst: &Instance,
    allocation: &Allocation,
    city: &str,
    opts: &SolveOptions,
) -> Result<CityPlan, ProcessError> {
    let sub = city_instance(inst, allocation, city)?;
    let prep = Prepared::new(&sub)?;
    let plan = match sanlian_engine::solve(&prep, opts)?.answer {
        Answer::Planned(p) => p.into_plan(),
        Answer::Infeasible(certificates) => {
            return Err(ProcessError::Infeasible { city: Some(city.to_string()), certificates })
        }
    };
    Ok(CityPlan { city: city.to_string(), instance: sub, plan })
}

/// Every city of the allocation planned, in parallel (one HiGHS thread each), in allocation order.
pub fn plan_cities(
    inst: &Instance,
    allocation: &Allocation,
    opts: &SolveOptions,
) -> Result<Vec<CityPlan>, ProcessError> {
    let one = SolveOptions { threads: 1, ..opts.clone() };
    allocation.cities.par_iter().map(|share| plan_city(inst, allocation, &share.city, &one)).collect()
}

/// The checker's report on a city's plan against its sub-instance: the plan may be submitted
/// only when it is valid. A cadre from outside the city's allocation, or an allocated cadre
/// left out, breaks the sub-instance's own rules (PLAN and H1).
pub fn check_city_plan(
    inst: &Instance,
    allocation: &Allocation,
    city: &str,
    plan: &Plan,
) -> Result<Report, ProcessError> {
    let sub = city_instance(inst, allocation, city)?;
    Ok(sanlian_check::check(&sub, plan)?)
}

/// The price of decentralisation: the merged plan's S1 on the province instance against the
/// province-wide optimum the allocation was read off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecentralisationPrice {
    /// S1 of the province-wide plan under the spreading rules.
    pub province_s1: f64,
    /// S1 of the merged plan, on the province instance.
    pub merged_s1: f64,
    /// Each city's S1 as its own plan reports it.
    pub city_s1: Vec<(String, f64)>,
    /// Preference penalties the sub-instances leave out (cadres whose preferred counties all
    /// lie in other cities): Σ city S1 + this = merged S1.
    pub dropped_penalties: f64,
    /// merged − province, in whole fen (0 when every city reached its optimum).
    pub price: f64,
    /// `price` as a share of the province S1.
    pub share: f64,
    /// Whether every cadre is in the same county as in the province-wide plan.
    pub same_groups: bool,
    /// Every stage: (id, province-wide value, merged value). With other groups than the
    /// province's (ties in S1 broken otherwise), S2 and S3 may differ either way: each is
    /// optimal for its own groups (§5 ranks the stages).
    pub stages: Vec<(String, f64, f64)>,
}

/// The merged province plan and its check.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The cities' plans as one province plan.
    pub plan: Plan,
    /// The province checker's report on it (every rule, H9 against the real caps, A1–A3).
    pub report: Report,
    /// The price of decentralisation.
    pub price: DecentralisationPrice,
    /// When the cities chose other groups than the province's and their H9 quotas cost
    /// county-months with presence (S3a): the allocation with quotas read off the province's
    /// months re-solved for the merged groups. The cities' groups do not depend on quotas, so
    /// planning again under it reaches the province's S3a ([`decentralise`] does).
    pub requota: Option<Allocation>,
}

/// Merge the cities' plans (city code, plan) into one province plan and check it against
/// `inst` with the allocation's spreading rules. `province` is the province-wide plan the
/// allocation was read off: its S1 bound is the merged plan's (S1 is a province-wide stage);
/// S2 keeps the cities' per-county parts and S3b its counting bound; S3a keeps the province's
/// bound when the groups are the province's, and is otherwise solved again province-wide for
/// the merged groups (H9 against the real caps): if the cities' quotas cost a county-month,
/// the stage is not proven optimal. Costs, coverage and every stage value are the checker's.
pub fn merge(
    inst: &Instance,
    allocation: &Allocation,
    province: &Plan,
    cities: &[(String, Plan)],
    opts: &SolveOptions,
) -> Result<Merged, ProcessError> {
    let ruled = with_spread(inst, &allocation.spread);
    let rules = Rules::new(&ruled)?;
    let by_city: HashMap<&str, &Plan> = cities.iter().map(|(c, p)| (c.as_str(), p)).collect();
    for share in &allocation.cities {
        if !by_city.contains_key(share.city.as_str()) {
            return Err(ProcessError::Missing(format!("the plan of {} {}", share.city, share.city_name)));
        }
    }
    let groups: HashMap<&str, &sanlian_model::Group> =
        cities.iter().flat_map(|(_, p)| p.groups.iter().map(|g| (g.county.as_str(), g))).collect();
    let assignments: HashMap<&str, &sanlian_model::CadreAssignment> =
        cities.iter().flat_map(|(_, p)| p.assignments.iter().map(|a| (a.cadre.as_str(), a))).collect();
    let mut plan = province.clone();
    plan.groups = Vec::with_capacity(inst.region.counties.len());
    for k in &inst.region.counties {
        let g = groups.get(k.code.as_str()).ok_or_else(|| ProcessError::Missing(format!("the group of {}", k.code)))?;
        plan.groups.push((*g).clone());
    }
    plan.assignments = Vec::with_capacity(inst.cadres.len());
    for c in &inst.cadres {
        if let Some(a) = assignments.get(c.id.as_str()) {
            plan.assignments.push((*a).clone());
        }
    }
    plan.shortfalls = cities.iter().flat_map(|(_, p)| p.shortfalls.iter().cloned()).collect();
    plan.seconds = cities.iter().map(|(_, p)| p.seconds).sum();
    let same_groups = plan.assignments.len() == province.assignments.len()
        && plan.assignments.iter().zip(&province.assignments).all(|(a, b)| a.cadre == b.cadre && a.county == b.county);
    let again = if same_groups {
        None
    } else {
        let prep = Prepared::new(&ruled)?;
        let groups = groups_of(&prep, &plan)?;
        let one = SolveOptions { threads: 1, ..opts.clone() };
        sanlian_solver::stages::complete(&prep, &groups, &one)
    };
    let again_s3a = again.as_ref().and_then(|p| stage_of(p, "S3a")).cloned();
    // First reading: the costs, coverage and stage values of the merged plan.
    let first = sanlian_check::check_with(&rules, &plan);
    plan.costs = first.costs.clone();
    plan.coverage = first.coverage.clone();
    let unit = |id: &str| optimality::unit(id, &ruled.parameters);
    for stage in &mut plan.stages {
        let id = stage.id.clone();
        if let Some(v) = sanlian_check::stage_value(&first.values, &id) {
            stage.objective = v;
        }
        stage.terms = sanlian_check::stage_terms(&first.values, &id)
            .into_iter()
            .filter_map(|(name, v)| Some((name.to_string(), v?)))
            .collect();
        stage.seconds = cities.iter().filter_map(|(_, p)| stage_of(p, &id)).map(|s| s.seconds).sum();
        let city_stages = || cities.iter().filter_map(|(_, p)| stage_of(p, &id));
        match id.as_str() {
            // Per-county models: the cities' parts are the province's.
            "S2" => {
                stage.parts = city_stages().flat_map(|s| s.parts.clone()).collect();
                stage.bound = stage.parts.iter().map(|p| p.bound).sum();
                stage.proof = Proof::Parts;
            }
            // A counting bound over the groups: the cities' add up to the province's.
            "S3b" => {
                stage.bound = city_stages().map(|s| s.bound).sum();
                stage.proof = Proof::Counting;
            }
            // S1 is the province's stage; S3a (H9 couples the cities) too, for its groups.
            // Other groups than the province's: S3a solved again province-wide for the merged
            // groups (H9 against the real caps) gives the bound.
            "S3a" if !same_groups => match &again_s3a {
                Some(s) => {
                    stage.bound = s.bound;
                    stage.proof = s.proof.clone();
                }
                None => {
                    stage.bound = first.values.s3_reachable as f64;
                    stage.proof = Proof::Solver;
                }
            },
            // B1–B3 and S1 are province-wide stages; S3a too, for the province's groups.
            _ => {}
        }
        stage.gap = optimality::gap(stage.objective, stage.bound);
        stage.proven_optimal = optimality::proven(stage.objective, stage.bound, unit(&id));
        stage.status = if stage.proven_optimal { StageStatus::Optimal } else { StageStatus::TimeLimit };
    }
    let report = sanlian_check::check_with(&rules, &plan);
    // The cities' quotas were read off the province's months for the province's groups; for
    // the merged groups the province's months re-solved may do better: quotas read off them.
    let requota = match (&again, &again_s3a, stage_of(&plan, "S3a")) {
        (Some(p), Some(best), Some(got)) if best.objective > got.objective + 0.5 => {
            let prep = Prepared::new(&ruled)?;
            let mut better = Allocation::from_plan(&prep, p, &allocation.spread);
            better.instance = allocation.instance.clone();
            Some(better)
        }
        _ => None,
    };
    let city_s1: Vec<(String, f64)> =
        cities.iter().map(|(c, p)| (c.clone(), stage_of(p, "S1").map_or(f64::NAN, |s| s.objective))).collect();
    let dropped_penalties = allocation
        .cities
        .iter()
        .filter_map(|share| sub_instance(&ruled, allocation, &share.city))
        .map(|sub| dropped_penalty(&ruled, &sub))
        .sum();
    let province_s1 = stage_of(province, "S1").map_or(f64::NAN, |s| s.objective);
    let stages = province
        .stages
        .iter()
        .map(|s| (s.id.clone(), s.objective, stage_of(&plan, &s.id).map_or(f64::NAN, |m| m.objective)))
        .collect();
    let merged_s1 = report.values.s1;
    // In whole fen: the two S1 values sum the same costs in different orders, and a difference
    // of rounding noise (which would print as "-0.00") is no price.
    let price = ((merged_s1 - province_s1) * 100.0).round() / 100.0 + 0.0;
    Ok(Merged {
        plan,
        price: DecentralisationPrice {
            province_s1,
            merged_s1,
            city_s1,
            dropped_penalties,
            price,
            share: price / province_s1.abs().max(1.0),
            same_groups,
            stages,
        },
        report,
        requota,
    })
}

/// The whole process at one desk: allocate under `spread`, plan every city, merge; when the
/// merge says other quotas would do better ([`Merged::requota`]), plan the cities once more
/// under them. Returns the allocation (with the quotas finally used), the cities' plans and
/// the merge, and the number of rounds (1 or 2).
pub fn decentralise(
    inst: &Instance,
    spread: &Spread,
    opts: &SolveOptions,
) -> Result<(Allocated, Vec<CityPlan>, Merged, usize), ProcessError> {
    let mut allocated = allocate(inst, spread, opts)?;
    let mut rounds = 0;
    loop {
        rounds += 1;
        let cities = plan_cities(inst, &allocated.allocation, opts)?;
        let plans: Vec<(String, Plan)> = cities.iter().map(|c| (c.city.clone(), c.plan.clone())).collect();
        let merged = merge(inst, &allocated.allocation, &allocated.plan, &plans, opts)?;
        match merged.requota.clone() {
            Some(better) if rounds == 1 => allocated.allocation = better,
            _ => return Ok((allocated, cities, merged, rounds)),
        }
    }
}

/// The S1 decisions of `plan` (county of each cadre, leaders) as the solver's groups.
fn groups_of(prep: &Prepared, plan: &Plan) -> Result<sanlian_solver::stages::Groups, ProcessError> {
    let cadre =
        |id: &str| prep.cadre_index.get(id).copied().ok_or_else(|| ProcessError::Missing(format!("cadre {id}")));
    let mut county_of = vec![usize::MAX; prep.n_cadres()];
    for a in &plan.assignments {
        let k =
            prep.county_index.get(a.county.as_str()).copied().ok_or_else(|| ProcessError::Missing(a.county.clone()))?;
        county_of[cadre(&a.cadre)?] = k;
    }
    if let Some(c) = county_of.iter().position(|&k| k == usize::MAX) {
        return Err(ProcessError::Missing(format!("the assignment of {}", prep.inst.cadres[c].id)));
    }
    let mut leader = Vec::with_capacity(plan.groups.len());
    let mut former_leaders = Vec::with_capacity(plan.groups.len());
    for g in &plan.groups {
        leader.push(g.leader.as_deref().map(cadre).transpose()?);
        former_leaders.push(
            g.former_leaders.iter().map(|f| Ok((cadre(&f.cadre)?, f.until))).collect::<Result<_, ProcessError>>()?,
        );
    }
    Ok(sanlian_solver::stages::Groups { county_of, leader, former_leaders })
}

fn stage_of<'a>(plan: &'a Plan, id: &str) -> Option<&'a StageReport> {
    plan.stages.iter().find(|s| s.id == id)
}
