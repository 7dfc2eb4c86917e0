//! The committed fixtures: how each is made from the imported region, and the
//! exact file form (`serde_json::to_string_pretty` plus a final newline).
//!
//! | file | made by |
//! |---|---|
//! | `fixtures/shandong/instance.json` | [`shandong`]: all of Shandong, [`RosterSpec::default`], seed 1 |
//! | `fixtures/small/instance.json` | [`small`]: 东营市 only, [`RosterSpec::small`], seed 1 |
//! | `fixtures/infeasible/instance.json` | [`infeasible`]: [`make_infeasible`] of the small fixture |
//!
//! The region comes from `fixtures/shandong/data` via [`crate::load_region`].

use sanlian_model::{Instance, Region};

use crate::{generate, make_infeasible, one_city, RosterSpec};

/// Seed of every committed fixture.
pub const SEED: u64 = 1;

/// City of the small fixture: 东营市 (5 counties, 50 townships).
pub const SMALL_CITY: &str = "370500";

/// The full Shandong fixture.
pub fn shandong(region: &Region) -> Instance {
    generate(region, &RosterSpec::default(), SEED)
}

/// The one-city fixture.
pub fn small(region: &Region) -> Instance {
    generate(&one_city(region, SMALL_CITY), &RosterSpec::small(), SEED)
}

/// The infeasible fixture: the small one without 团东营市委's senior cadres (H3 cannot hold).
pub fn infeasible(region: &Region) -> Instance {
    make_infeasible(&small(region))
}

/// The file form of an instance: pretty JSON and a final newline.
pub fn to_json(inst: &Instance) -> String {
    let mut s = serde_json::to_string_pretty(inst).expect("an instance always serialises");
    s.push('\n');
    s
}
