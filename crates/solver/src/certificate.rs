//! Infeasibility certificates (PLANNING_RULES §6): reasons a planner can act on,
//! each re-added from the instance alone before it is returned.
//!
//! The Hall-type obstacles (H7 coverage, H3 senior leaders, H4 upper members)
//! come from a max-flow on the eligibility graph (petgraph's Dinic): source →
//! county (its need), county → eligible cadre (unbounded), cadre → sink (its
//! supply). When the flow falls short, the counties S reachable from the
//! source in the residual graph need more than every cadre eligible for any
//! of them can supply — a Hall violator.

use std::collections::VecDeque;

use petgraph::algo::dinics;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use sanlian_model::{Certificate, CertificateKind, PlanMode, Prepared};

/// Every certificate that the hard rules other than S1's joint structure admit.
/// Strict mode checks H3, H4, H6, H7, H8, H9; best-effort only H6, H8, H9
/// (H3, H4, H7 are goals there).
pub fn find(prep: &Prepared, mode: PlanMode) -> Vec<Certificate> {
    let mut out = Vec::new();
    if mode == PlanMode::Strict {
        out.extend(coverage(prep));
        out.extend(senior_leaders(prep));
        out.extend(upper_members(prep));
    }
    out.extend(township_load(prep));
    out.extend(no_room(prep));
    out.extend(block_months(prep));
    out.extend(department_caps(prep));
    out
}

/// Re-planning's pinned decisions as the certificates count them (§7: everything before
/// the date is kept).
#[derive(Debug, Clone)]
pub struct Pinned {
    /// The re-plan's date.
    pub date: chrono::NaiveDate,
    /// Per county: townships already covered by a pinned assignment.
    pub credit: Vec<u64>,
    /// Per cadre: active years whose township is still open.
    pub free_years: Vec<u64>,
    /// Per cadre and year: block months that started before the date (kept).
    pub fixed_on: Vec<[u32; 2]>,
    /// Per cadre: its months before the date are kept as they were.
    pub frozen: Vec<bool>,
}

impl Pinned {
    /// Is month `m` of year `y` still open for cadre `c` (not kept as it was)?
    fn open(&self, prep: &Prepared, c: usize, y: usize, m: u32) -> bool {
        !self.frozen[c] || sanlian_model::cost::month_days(prep.inst.year(y), m).0 >= self.date
    }
}

/// A set of counties whose need exceeds what the cadres eligible for any of them supply.
#[derive(Debug, Clone, PartialEq)]
pub struct HallSet {
    /// County indices.
    pub counties: Vec<usize>,
    /// Indices of the cadres eligible for at least one of them (with supply > 0).
    pub cadres: Vec<usize>,
    /// Σ need over the counties.
    pub need: u64,
    /// Σ supply over the cadres.
    pub supply: u64,
}

impl HallSet {
    /// "the N counties A、B need X unit (why)": the need side of a certificate's message.
    pub fn need_phrase(&self, prep: &Prepared, unit: &str, why: &str) -> String {
        let n = self.counties.len();
        format!(
            "the {n} count{} {} need {} {unit} ({why})",
            if n == 1 { "y" } else { "ies" },
            names(prep, &self.counties),
            self.need
        )
    }

    /// The set as a certificate of `rule`, with its counties, cadres, need and supply.
    pub fn certificate(&self, prep: &Prepared, rule: &str, kind: CertificateKind, message: String) -> Certificate {
        Certificate {
            rule: rule.into(),
            kind,
            counties: self.counties.iter().map(|&k| prep.inst.region.counties[k].code.clone()).collect(),
            cadres: self.cadres.iter().map(|&c| prep.inst.cadres[c].id.clone()).collect(),
            department: None,
            year: None,
            day: None,
            need: self.need,
            supply: self.supply,
            locks: Vec::new(),
            message,
        }
    }
}

/// Max-flow test of a bipartite demand/supply system: left node i needs
/// `need[i]`, right node j supplies `supply[j]`, left i may draw from `adj[i]`.
/// Returns the left nodes reachable from the source in the residual graph —
/// a set whose need exceeds the supply of all its neighbours — or `None` if
/// every need can be met fractionally.
fn hall(need: &[u64], supply: &[u64], adj: &[Vec<usize>]) -> Option<Vec<usize>> {
    hall_with(need, supply, adj, None)
}

/// [`hall`], where with `per_pair` a left node may draw at most that much from each right node.
fn hall_with(need: &[u64], supply: &[u64], adj: &[Vec<usize>], per_pair: Option<u64>) -> Option<Vec<usize>> {
    let mut g: DiGraph<(), u64> = DiGraph::new();
    let source = g.add_node(());
    let sink = g.add_node(());
    let left: Vec<NodeIndex> = need.iter().map(|_| g.add_node(())).collect();
    let right: Vec<NodeIndex> = supply.iter().map(|_| g.add_node(())).collect();
    let total: u64 = need.iter().sum();
    for (i, &n) in need.iter().enumerate() {
        if n > 0 {
            g.add_edge(source, left[i], n);
            for &j in &adj[i] {
                g.add_edge(left[i], right[j], per_pair.unwrap_or(total + 1));
            }
        }
    }
    for (j, &s) in supply.iter().enumerate() {
        if s > 0 {
            g.add_edge(right[j], sink, s);
        }
    }
    let (flow, edge_flow) = dinics(&g, source, sink);
    if flow >= total {
        return None;
    }
    let reach = residual_reach(&g, &edge_flow, source);
    Some((0..need.len()).filter(|&i| reach[left[i].index()] && need[i] > 0).collect())
}

/// Nodes reachable from `source` in the residual graph of a maximum flow.
fn residual_reach(g: &DiGraph<(), u64>, edge_flow: &[u64], source: NodeIndex) -> Vec<bool> {
    let mut reach = vec![false; g.node_count()];
    let mut queue = VecDeque::from([source]);
    reach[source.index()] = true;
    while let Some(u) = queue.pop_front() {
        let forward = g.edges(u).filter(|e| edge_flow[e.id().index()] < *e.weight()).map(|e| e.target());
        let backward = g
            .edges_directed(u, petgraph::Direction::Incoming)
            .filter(|e| edge_flow[e.id().index()] > 0)
            .map(|e| e.source());
        let next: Vec<NodeIndex> = forward.chain(backward).collect();
        for v in next {
            if !reach[v.index()] {
                reach[v.index()] = true;
                queue.push_back(v);
            }
        }
    }
    reach
}

/// Find a Hall violator for county needs `need[k]` and cadre supplies `supply[c]`
/// over the eligibility graph, or `None` if a fractional assignment meets every need.
pub fn hall_violator(prep: &Prepared, need: &[u64], supply: &[u64]) -> Option<HallSet> {
    let counties = hall(need, supply, &cadres_of(prep))?;
    verify(prep, counties, need, supply).map(|h| minimise(prep, h, need, supply))
}

/// The cadres eligible for each county (H2), in roster order.
fn cadres_of(prep: &Prepared) -> Vec<Vec<usize>> {
    let mut cadres_of = vec![Vec::new(); prep.n_counties()];
    for c in 0..prep.n_cadres() {
        for &k in &prep.eligible[c] {
            cadres_of[k].push(c);
        }
    }
    cadres_of
}

/// Shrink a Hall set without losing any of its shortfall: drop each county whose
/// removal keeps need − supply as large. The result shows the whole shortfall
/// (the remedy's number) on a set from which no county can be dropped without
/// lowering it.
pub fn minimise(prep: &Prepared, mut h: HallSet, need: &[u64], supply: &[u64]) -> HallSet {
    let mut order = h.counties.clone();
    order.sort_by_key(|&k| (need[k], std::cmp::Reverse(k)));
    for k in order {
        if h.counties.len() == 1 {
            break;
        }
        let rest: Vec<usize> = h.counties.iter().copied().filter(|&x| x != k).collect();
        if let Some(smaller) = verify(prep, rest, need, supply) {
            if smaller.need - smaller.supply >= h.need - h.supply {
                h = smaller;
            }
        }
    }
    h
}

/// Re-add a candidate Hall set from the instance: returns it only if need > supply.
pub fn verify(prep: &Prepared, counties: Vec<usize>, need: &[u64], supply: &[u64]) -> Option<HallSet> {
    let mut in_set = vec![false; prep.n_counties()];
    for &k in &counties {
        in_set[k] = true;
    }
    let cadres: Vec<usize> =
        (0..prep.n_cadres()).filter(|&c| supply[c] > 0 && prep.eligible[c].iter().any(|&k| in_set[k])).collect();
    let need_sum = counties.iter().map(|&k| need[k]).sum();
    let supply_sum = cadres.iter().map(|&c| supply[c]).sum();
    (need_sum > supply_sum).then_some(HallSet { counties, cadres, need: need_sum, supply: supply_sum })
}

fn names(prep: &Prepared, counties: &[usize]) -> String {
    const SHOWN: usize = 12;
    let r = &prep.inst.region;
    let mut s: Vec<String> = counties.iter().take(SHOWN).map(|&k| r.counties[k].name.clone()).collect();
    if counties.len() > SHOWN {
        s.push(format!("… ({} in all)", counties.len()));
    }
    s.join("、")
}

fn hall_certificate(
    prep: &Prepared,
    rule: &str,
    kind: CertificateKind,
    h: HallSet,
    what: &str,
    unit: &str,
) -> Certificate {
    let message = format!(
        "{rule}: {}, but the {} cadres eligible for any of them supply at most {}: \
         make at least {} more {unit} eligible there, or lower the need",
        h.need_phrase(prep, unit, what),
        h.cadres.len(),
        h.supply,
        h.need - h.supply,
    );
    h.certificate(prep, rule, kind, message)
}

/// H7 (with H1, H5): every township needs a cadre-year; a cadre supplies one per active year.
pub fn coverage(prep: &Prepared) -> Option<Certificate> {
    coverage_pinned(prep, None)
}

/// [`coverage`] with re-planning's pins: townships a pinned assignment covers need nothing
/// more, and a cadre supplies only its years whose township is still open.
pub fn coverage_pinned(prep: &Prepared, pins: Option<&Pinned>) -> Option<Certificate> {
    let need: Vec<u64> =
        prep.townships_of.iter().enumerate().map(|(k, t)| t.len() as u64 - pins.map_or(0, |p| p.credit[k])).collect();
    let supply: Vec<u64> =
        (0..prep.n_cadres()).map(|c| pins.map_or(prep.active_years(c) as u64, |p| p.free_years[c])).collect();
    hall_violator(prep, &need, &supply).map(|h| {
        let why = if pins.is_some() {
            "one cadre-year per township not already covered before the date"
        } else {
            "one cadre-year per township"
        };
        let mut cert = hall_certificate(prep, "H7", CertificateKind::Coverage, h, why, "cadre-years");
        cert.day = pins.map(|p| p.date);
        cert
    })
}

/// H3: every county needs one senior leader; a senior cadre leads at most one group.
/// With service periods the need holds on every day the make-up can change, counting
/// only the seniors in service that day.
pub fn senior_leaders(prep: &Prepared) -> Option<Certificate> {
    per_day(
        prep,
        1,
        |c| prep.inst.cadres[c].senior,
        "H3",
        CertificateKind::SeniorLeaders,
        "one senior leader each",
        "senior cadres",
    )
}

/// H4: every county needs `min_upper_per_group` province- or city-level members (on every
/// day the make-up can change, counting those in service).
pub fn upper_members(prep: &Prepared) -> Option<Certificate> {
    let m = prep.inst.parameters.min_upper_per_group as u64;
    if m == 0 {
        return None;
    }
    let what = format!("{m} province/city member(s) each");
    per_day(
        prep,
        m,
        |c| prep.inst.cadres[c].level.is_upper(),
        "H4",
        CertificateKind::UpperMembers,
        &what,
        "province/city cadres",
    )
}

fn per_day(
    prep: &Prepared,
    need_each: u64,
    counts: impl Fn(usize) -> bool,
    rule: &str,
    kind: CertificateKind,
    what: &str,
    unit: &str,
) -> Option<Certificate> {
    let need = vec![need_each; prep.n_counties()];
    let days = prep.stretch_starts(0..prep.n_cadres());
    let several = days.len() > 1;
    days.into_iter().find_map(|day| {
        let supply: Vec<u64> = (0..prep.n_cadres()).map(|c| (counts(c) && prep.serves_on(c, day)) as u64).collect();
        hall_violator(prep, &need, &supply).map(|h| {
            let mut cert = hall_certificate(prep, rule, kind, h, what, unit);
            if several {
                cert.day = Some(day);
                cert.message = format!("on {day}, {}", cert.message);
            }
            cert
        })
    })
}

/// H6 (with H1): in some year, a set of cadres who can only serve certain
/// counties outnumbers the places those counties' townships hold
/// (townships × max_cadres_per_township_year).
pub fn township_load(prep: &Prepared) -> Vec<Certificate> {
    let cap = prep.inst.parameters.max_cadres_per_township_year as u64;
    let places: Vec<u64> = prep.townships_of.iter().map(|t| cap * t.len() as u64).collect();
    let mut out = Vec::new();
    let mut patterns: Vec<(usize, Vec<u64>)> = Vec::new();
    for y in 0..2 {
        for month in prep.inst.parameters.window_months() {
            let need: Vec<u64> =
                (0..prep.n_cadres()).map(|c| (prep.active(c, y) && prep.serves_month(c, y, month)) as u64).collect();
            if !patterns.iter().any(|(py, pn)| *py == y && *pn == need) {
                patterns.push((y, need));
            }
        }
    }
    for (y, need) in patterns {
        // Cadres with the same eligible counties are one node of the flow (so its size
        // follows the kinds of eligibility, not the roster).
        let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        let mut index: std::collections::HashMap<&[usize], usize> = std::collections::HashMap::new();
        for c in (0..prep.n_cadres()).filter(|&c| need[c] > 0) {
            let g = *index.entry(prep.eligible[c].as_slice()).or_insert_with(|| {
                groups.push((prep.eligible[c].clone(), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(c);
        }
        let group_need: Vec<u64> = groups.iter().map(|(_, m)| m.len() as u64).collect();
        let adj: Vec<Vec<usize>> = groups.iter().map(|(e, _)| e.clone()).collect();
        let Some(mut chosen) = hall(&group_need, &places, &adj) else { continue };
        let union = |set: &[usize]| {
            let mut ks: Vec<usize> = set.iter().flat_map(|&g| groups[g].0.iter().copied()).collect();
            ks.sort_unstable();
            ks.dedup();
            ks
        };
        let size = |set: &[usize]| set.iter().map(|&g| groups[g].1.len() as u64).sum::<u64>();
        let room = |set: &[usize]| union(set).iter().map(|&k| places[k]).sum::<u64>();
        if size(&chosen) <= room(&chosen) {
            continue;
        }
        // Drop whole groups while the rest still overflows, then spare cadres of what is left
        // down to one more than the places (each group keeps a member, so the counties stay).
        for g in chosen.clone().into_iter().rev() {
            let rest: Vec<usize> = chosen.iter().copied().filter(|&x| x != g).collect();
            if !rest.is_empty() && size(&rest) > room(&rest) {
                chosen = rest;
            }
        }
        let mut spare = size(&chosen) - room(&chosen) - 1;
        let mut cadres: Vec<usize> = Vec::new();
        for &g in &chosen {
            let members = &groups[g].1;
            let drop = (spare as usize).min(members.len() - 1);
            spare -= drop as u64;
            cadres.extend(&members[..members.len() - drop]);
        }
        cadres.sort_unstable();
        let counties = union(&chosen);
        let supply: u64 = counties.iter().map(|&k| places[k]).sum();
        let need = cadres.len() as u64;
        out.push(Certificate {
            rule: "H6".into(),
            kind: CertificateKind::TownshipLoad,
            counties: counties.iter().map(|&k| prep.inst.region.counties[k].code.clone()).collect(),
            cadres: cadres.iter().map(|&c| prep.inst.cadres[c].id.clone()).collect(),
            department: None,
            year: Some(y as u8 + 1),
            day: None,
            need,
            supply,
            locks: Vec::new(),
            message: format!(
                "H6: in plan year {} the {need} cadres who can serve only in {} must all join those groups, but their \
                 townships hold at most {supply} cadres a year ({cap} per township): raise max_cadres_per_township_year \
                 or let some of these cadres serve elsewhere",
                y + 1,
                names(prep, &counties),
            ),
        });
    }
    out
}

/// Most `no_room` certificates reported.
pub const MAX_NO_ROOM: usize = 20;

/// H6 with H1: a cadre with more than one possible county, each of which is filled — in a
/// plan year the cadre serves whole — by the cadres who can serve only there and serve that
/// whole year. The cadre keeps one group in both years, so it has no township anywhere.
/// Listed cadres: the one without room first, then for each county the bound cadres that
/// fill it (as many as its places). need = 1 group, supply = counties with room (0). At most
/// [`MAX_NO_ROOM`] such cadres are reported (each certificate alone proves infeasibility).
pub fn no_room(prep: &Prepared) -> Vec<Certificate> {
    let cap = prep.inst.parameters.max_cadres_per_township_year as usize;
    let places: Vec<usize> = prep.townships_of.iter().map(|t| cap * t.len()).collect();
    let mut bound: Vec<Vec<usize>> = vec![Vec::new(); prep.n_counties()];
    for c in 0..prep.n_cadres() {
        if let [k] = prep.eligible[c][..] {
            bound[k].push(c);
        }
    }
    // Per county and year: the cadres bound there who serve that whole year, when they fill
    // its places (worked out once: the check per cadre is then linear in its counties).
    let filled: Vec<[Option<Vec<usize>>; 2]> = (0..prep.n_counties())
        .map(|k| {
            [0, 1].map(|y| {
                let full: Vec<usize> = bound[k].iter().copied().filter(|&d| prep.serves_whole_year(d, y)).collect();
                (full.len() >= places[k]).then(|| full[..places[k]].to_vec())
            })
        })
        .collect();
    let mut out = Vec::new();
    for c in 0..prep.n_cadres() {
        if out.len() == MAX_NO_ROOM {
            break;
        }
        if prep.eligible[c].len() < 2 {
            continue;
        }
        // For each county: a year c serves whole in which the cadres bound there fill it.
        let fillers = |k: usize| -> Option<(usize, &Vec<usize>)> {
            (0..2).filter(|&y| prep.serves_whole_year(c, y)).find_map(|y| filled[k][y].as_ref().map(|f| (y, f)))
        };
        let Some(blocked) = prep.eligible[c].iter().map(|&k| fillers(k).map(|f| (k, f))).collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let cadre = &prep.inst.cadres[c];
        let counties: Vec<usize> = blocked.iter().map(|(k, _)| *k).collect();
        let why: Vec<String> = blocked
            .iter()
            .map(|(k, (y, full))| {
                format!(
                    "{} in plan year {} ({} places)",
                    prep.inst.region.counties[*k].name,
                    y + 1,
                    places[*k].max(full.len())
                )
            })
            .collect();
        let mut cadres = vec![cadre.id.clone()];
        cadres.extend(blocked.iter().flat_map(|(_, (_, full))| full.iter().map(|&d| prep.inst.cadres[d].id.clone())));
        out.push(Certificate {
            rule: "H6".into(),
            kind: CertificateKind::NoRoom,
            counties: counties.iter().map(|&k| prep.inst.region.counties[k].code.clone()).collect(),
            cadres,
            department: None,
            year: None,
            day: None,
            need: 1,
            supply: 0,
            locks: Vec::new(),
            message: format!(
                "H6: {}（{}）can serve only in {}, and the cadres who can serve nowhere else fill each of them in a \
                 year it serves: {}; a cadre keeps one group both years (H1), so it has no township: raise \
                 max_cadres_per_township_year or let it or those cadres serve elsewhere",
                cadre.name,
                cadre.id,
                names(prep, &counties),
                why.join("; "),
            ),
        });
    }
    out
}

/// H8: a cadre with fewer available window months than blocks in an active year.
pub fn block_months(prep: &Prepared) -> Vec<Certificate> {
    block_months_pinned(prep, None)
}

/// [`block_months`] with re-planning's pins: the months before the date are kept as they
/// were, so a cadre has the blocks it took then plus the available months after it.
pub fn block_months_pinned(prep: &Prepared, pins: Option<&Pinned>) -> Vec<Certificate> {
    let mut out = Vec::new();
    for c in 0..prep.n_cadres() {
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            let blocks = prep.block_range(c, y).0 as u64;
            let kept = pins.map_or(0, |p| p.fixed_on[c][y]) as u64;
            let open = prep.available_months(c, y).into_iter().filter(|&m| pins.is_none_or(|p| p.open(prep, c, y, m)));
            let available = kept + open.count() as u64;
            if available >= blocks {
                continue;
            }
            let cadre = &prep.inst.cadres[c];
            let year = prep.inst.year(y);
            let message = match pins {
                None => format!(
                    "H8: {} ({}) needs {blocks} block months in {year} but is available in only {available} window \
                     months: clear some unavailable months or change the cadre's mode",
                    cadre.name, cadre.id,
                ),
                Some(p) => format!(
                    "H8: {} ({}) needs {blocks} block months in {year}; the months before {} are kept as planned \
                     ({kept} on a block) and after it the cadre is available in only {} window months: clear some \
                     unavailable months, change the cadre's mode, or repair the past explicitly",
                    cadre.name,
                    cadre.id,
                    p.date,
                    available - kept,
                ),
            };
            out.push(Certificate {
                rule: "H8".into(),
                kind: CertificateKind::BlockMonths,
                counties: Vec::new(),
                cadres: vec![cadre.id.clone()],
                department: None,
                year: Some(y as u8 + 1),
                day: pins.map(|p| p.date),
                need: blocks,
                supply: available,
                locks: Vec::new(),
                message,
            });
        }
    }
    out
}

/// H9 (with H8): a set S of a department's cadres whose block months in a year exceed
/// Σ over window months of min(cap, cadres of S available that month). A max-flow per
/// department and year (cadre → available month → cap) finds such a set exactly when
/// the department's months cannot be planned: S is the cadre side of a minimum cut.
pub fn department_caps(prep: &Prepared) -> Vec<Certificate> {
    department_caps_pinned(prep, None)
}

/// [`department_caps`] with re-planning's pins: only the months still open count, and each
/// cadre needs its blocks less those it took before the date.
pub fn department_caps_pinned(prep: &Prepared, pins: Option<&Pinned>) -> Vec<Certificate> {
    let months: Vec<u32> = prep.inst.parameters.window_months().collect();
    let mut by_department = vec![Vec::new(); prep.departments.len()];
    for c in 0..prep.n_cadres() {
        by_department[prep.department_of[c]].push(c);
    }
    let mut out = Vec::new();
    for d in 0..prep.departments.len() {
        for y in 0..2 {
            let kept = |c: usize| pins.map_or(0, |p| p.fixed_on[c][y]);
            let members: Vec<usize> = by_department[d]
                .iter()
                .copied()
                .filter(|&c| prep.active(c, y) && prep.block_range(c, y).0 > kept(c))
                .collect();
            if members.is_empty() {
                continue;
            }
            // A city's sub-instance may give the department a quota per month (H9).
            let caps: Vec<u64> = months.iter().map(|&m| prep.department_cap_in(d, y, m) as u64).collect();
            let available = |c: usize, m: u32| {
                prep.unavailable[c][y] & (1 << m) == 0
                    && prep.serves_month(c, y, m)
                    && pins.is_none_or(|p| p.open(prep, c, y, m))
            };
            let need: Vec<u64> = members.iter().map(|&c| (prep.block_range(c, y).0 - kept(c)) as u64).collect();
            let adj: Vec<Vec<usize>> =
                members.iter().map(|&c| (0..months.len()).filter(|&j| available(c, months[j])).collect()).collect();
            // Each cadre takes a month at most once: every (cadre, month) edge carries 1.
            let Some(set) = hall_with(&need, &caps, &adj, Some(1)) else { continue };
            let chosen: Vec<usize> = set.iter().map(|&i| members[i]).collect();
            let need_s: u64 = set.iter().map(|&i| need[i]).sum();
            let supply_s: u64 = months
                .iter()
                .zip(&caps)
                .map(|(&m, &cap)| cap.min(chosen.iter().filter(|&&c| available(c, m)).count() as u64))
                .sum();
            let cap = if caps.iter().all(|&c| c == caps[0]) {
                caps[0].to_string()
            } else {
                format!("its monthly quotas ({})", caps.iter().map(u64::to_string).collect::<Vec<_>>().join("/"))
            };
            if need_s <= supply_s {
                continue;
            }
            let when =
                pins.map(|p| format!(" (after {}, besides the blocks taken before it)", p.date)).unwrap_or_default();
            // F3 narrows the cap to the even spread of the department's blocks: say so.
            let remedy = if prep.balance_cap(d, y).is_some() {
                "raise max_department_away_share, turn off balance_departments (F3) or clear unavailable months"
            } else {
                "raise max_department_away_share or clear unavailable months"
            };
            out.push(Certificate {
                rule: "H9".into(),
                kind: CertificateKind::DepartmentCap,
                counties: Vec::new(),
                cadres: chosen.iter().map(|&c| prep.inst.cadres[c].id.clone()).collect(),
                department: Some(prep.departments[d].clone()),
                year: Some(y as u8 + 1),
                day: pins.map(|p| p.date),
                need: need_s,
                supply: supply_s,
                locks: Vec::new(),
                message: format!(
                    "H9: {} cadre(s) of department {} need {need_s} block months in {}{when}, but with at most {cap} \
                     away per month and only the months each of them is available and in service, the window holds \
                     {supply_s}: {remedy}",
                    chosen.len(),
                    prep.departments[d],
                    prep.inst.year(y),
                ),
            });
        }
    }
    out
}

/// The rules conflict only jointly: the S1 MILP is infeasible although no single-rule obstacle exists.
pub fn joint(prep: &Prepared) -> Certificate {
    joint_in(prep, PlanMode::Strict)
}

/// [`joint`] for the mode the model was solved in. In best effort H3, H4 and H7 are goals, so
/// what no grouping can meet is township load (H6), with every cadre placed in a county it may
/// join (H1, H2) and serving there both years, and the province's spreading rules if any.
pub fn joint_in(prep: &Prepared, mode: PlanMode) -> Certificate {
    let n = prep.n_cadres();
    let (rule, message) = match mode {
        PlanMode::Strict => (
            "H1-H7".to_string(),
            format!(
                "No grouping of the {n} cadres meets H1–H7 together, although each of coverage (H7), senior leaders \
                 (H3), mixed composition (H4) and township load (H6) can be met on its own: the same cadres are \
                 needed for several of them at once. HiGHS proved this on the S1 model (write it with \
                 --write-model); run with --mode best-effort to see what can be met."
            ),
        ),
        PlanMode::BestEffort => {
            let spread = if prep.inst.spread.is_none() { "" } else { " and the spreading rules (A1–A3)" };
            (
                if spread.is_empty() { "H6".to_string() } else { "H6,A1-A3".to_string() },
                format!(
                    "No grouping of the {n} cadres keeps the township load (H6){spread} in every county and month: \
                     with each cadre in a county it may join (H2) for all its active years, some county gets more \
                     cadres than its townships can take, although no single county or year shows it alone. HiGHS \
                     proved this on the best-effort S1 model (write it with --write-model)."
                ),
            )
        }
    };
    Certificate {
        rule,
        kind: CertificateKind::Joint,
        counties: Vec::new(),
        cadres: Vec::new(),
        department: None,
        year: None,
        day: None,
        need: 0,
        supply: 0,
        locks: Vec::new(),
        message,
    }
}
