//! Scenario sweeps for the 三联四促 planner: how many cadres, of which levels
//! and ranks, does two-year coverage need, and how robust is the plan?
//!
//! A [`Spec`] (JSON, see there) lists sweeps over a base instance; each sweep
//! makes named [`Variant`]s ([`variants`]); [`run`] solves them in parallel
//! (rayon, one HiGHS thread per solve), strict mode first and best-effort when
//! strict is infeasible, checks every plan with the independent checker, and
//! returns one [`Row`] per variant; [`to_csv`], [`to_json`] and [`chart_svg`]
//! turn the rows into a table and a chart.
//!
//! | sweep kind | what varies | row `parameter` | row `value` |
//! |---|---|---|---|
//! | `province_cadres` | the first N province cadres (copies beyond the base) | `province_cadres` | N |
//! | `remove_city_seniors` | one city's senior city cadres removed | `"{code} {name}"` | cadres removed |
//! | `unavailable_share` | one more unavailable month for a share of blocks/mixed cadres | `unavailable_share` | share |
//! | `department_share` | H9 `max_department_away_share` | `max_department_away_share` | share |
//! | `nearby_km` | H2 `nearby_km` | `nearby_km` | km |
//! | `parameter` | any policy parameter | its name | value |
//!
//! Every sweep starts from the base (sweeps do not compound). The crate does
//! no I/O: it takes values and returns values and strings.

mod output;
mod run;
mod spec;

pub use output::{chart_svg, sweeps, to_csv, to_json, CSV_HEADER};
pub use run::{run, run_recipes, run_with, Row, RunOptions};
pub use spec::{
    budget, recipes, variants, CitySeniors, ParameterSteps, Recipe, Spec, SpecError, Steps, Sweep, Variant,
    MAX_PROVINCE_CADRES, MAX_VARIANTS, MAX_WORK,
};
