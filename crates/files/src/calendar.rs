//! The plan as an iCalendar file (RFC 5545): one all-day event per block month, and for
//! cadres with a weekday, weekly recurring events over the on-site window outside their
//! block months.

mod ical;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, Weekday};
use sanlian_model::{Cadre, CadreAssignment, Instance, Plan, YearAssignment};

use crate::table::weekday_zh;
use crate::FilesError;
use ical::Ical;

/// The plan's calendar: every cadre's (`cadre: None`, each event's summary then names the
/// cadre) or one cadre's (`Some(id)`; an id the instance does not know is an error).
/// `stamp` is written as every event's DTSTAMP, in UTC.
pub fn ics(inst: &Instance, plan: &Plan, cadre: Option<&str>, stamp: NaiveDateTime) -> Result<String, FilesError> {
    ics_of(inst, plan, cadre, None, stamp)
}

/// [`ics`] of the cadres serving in one city's groups (its code; `None`: every city).
pub fn ics_of(
    inst: &Instance,
    plan: &Plan,
    cadre: Option<&str>,
    city: Option<&str>,
    stamp: NaiveDateTime,
) -> Result<String, FilesError> {
    let county_city = |county: &str| inst.region.counties.iter().find(|k| k.code == county).map(|k| k.city.as_str());
    let only = match cadre {
        None => None,
        Some(id) => {
            Some(inst.cadres.iter().find(|c| c.id == id).ok_or_else(|| FilesError::UnknownCadre(id.to_string()))?)
        }
    };
    let mut cal = Ical::new();
    cal.line("BEGIN", "VCALENDAR");
    cal.line("VERSION", "2.0");
    cal.line("PRODID", "-//sanlian//三联四促下沉计划//ZH");
    cal.line("CALSCALE", "GREGORIAN");
    cal.line("METHOD", "PUBLISH");
    let name = match only {
        Some(c) => format!("{}（{}）三联四促下沉日程", c.name, c.id),
        None => format!("{}：下沉日程", inst.name),
    };
    cal.text("X-WR-CALNAME", &name);
    let ctx = Context {
        inst,
        plan,
        stamp: stamp.format("%Y%m%dT%H%M%SZ").to_string(),
        salt: salt(inst),
        named: only.is_none(),
    };
    for a in &plan.assignments {
        if only.is_some_and(|c| c.id != a.cadre) || city.is_some_and(|code| county_city(&a.county) != Some(code)) {
            continue;
        }
        let Some(c) = inst.cadres.iter().find(|c| c.id == a.cadre) else { continue };
        for ya in &a.years {
            ctx.events(&mut cal, c, a, ya);
        }
    }
    cal.line("END", "VCALENDAR");
    Ok(cal.finish())
}

/// What every event of one calendar shares.
struct Context<'a> {
    inst: &'a Instance,
    plan: &'a Plan,
    stamp: String,
    salt: String,
    /// Put the cadre's name in each summary (a calendar of all cadres).
    named: bool,
}

/// One event's dates, recurrence and words.
struct Event<'a> {
    kind: &'a str,
    start: NaiveDate,
    end_exclusive: NaiveDate,
    rrule: Option<String>,
    summary: String,
    description: String,
}

impl Context<'_> {
    /// The events of cadre `c` in year `ya`: its blocks, then its weekly runs.
    fn events(&self, cal: &mut Ical, c: &Cadre, a: &CadreAssignment, ya: &YearAssignment) {
        let region = &self.inst.region;
        let group = self.plan.groups.iter().find(|g| g.county == a.county);
        let county = group
            .map(|g| g.county_name.clone())
            .or_else(|| region.counties.iter().find(|k| k.code == a.county).map(|k| k.name.clone()))
            .unwrap_or_else(|| a.county.clone());
        let city = region
            .counties
            .iter()
            .find(|k| k.code == a.county)
            .and_then(|k| region.cities.iter().find(|x| x.code == k.city))
            .map_or("", |x| x.name.as_str());
        let town =
            region.townships.iter().find(|t| t.code == ya.township).map_or(ya.township.as_str(), |t| t.name.as_str());
        let leader = group
            .and_then(|g| g.leader.as_deref())
            .map(|id| match self.inst.cadres.iter().find(|x| x.id == id) {
                Some(l) => format!("{}（{}）", l.name, l.id),
                None => id.to_string(),
            })
            .unwrap_or_else(|| "—".to_string());
        let location =
            [town, county.as_str(), city].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("，");
        let who = format!("{}（{}，{}）", c.name, c.id, c.unit);
        let describe = |how: String| {
            format!("工作组：{county}工作组\n组长：{leader}\n联系乡镇：{town}\n下沉方式：{how}\n干部：{who}")
        };
        let summary = |extra: Option<String>| {
            let mut tags: Vec<String> = Vec::new();
            if self.named {
                tags.push(c.name.clone());
            }
            tags.extend(extra);
            let tags = if tags.is_empty() { String::new() } else { format!("（{}）", tags.join("，")) };
            format!("三联四促下沉：{county} {town}{tags}")
        };
        for b in &ya.blocks {
            let Some(end) = b.last_day.checked_add_days(Days::new(1)) else { continue };
            let how = format!("集中下沉 {}（{} 至 {}）", b.month, b.first_day, b.last_day);
            let event = Event {
                kind: "block",
                start: b.first_day,
                end_exclusive: end,
                rrule: None,
                summary: summary(None),
                description: describe(how),
            };
            self.write(cal, c, &event, &location);
        }
        let Some(day) = ya.weekday else { return };
        let index = ya.year - self.plan.first_year + 1;
        if !(index == 1 || index == 2) || !c.active_in(index as u8) {
            return;
        }
        let block_months: Vec<u32> = ya.blocks.iter().map(|b| b.first_day.month()).collect();
        for (first, last) in self.weekly_runs(c, ya.year, &block_months, day) {
            let Some(end) = first.checked_add_days(Days::new(1)) else { continue };
            let how = format!("每周{}下沉（{} 至 {}）", weekday_zh(day), first, last);
            let event = Event {
                kind: "weekly",
                start: first,
                end_exclusive: end,
                rrule: Some(format!("FREQ=WEEKLY;BYDAY={};UNTIL={}", byday(day), last.format("%Y%m%d"))),
                summary: summary(Some(format!("每周{}", weekday_zh(day)))),
                description: describe(how),
            };
            self.write(cal, c, &event, &location);
        }
    }

    /// The first and last `day` of each run of consecutive window months of `year` that are
    /// not block months, within the cadre's service period.
    fn weekly_runs(&self, c: &Cadre, year: i32, blocks: &[u32], day: Weekday) -> Vec<(NaiveDate, NaiveDate)> {
        let p = &self.plan.parameters;
        let months: Vec<u32> = (p.window_first_month..=p.window_last_month).filter(|m| (1..=12).contains(m)).collect();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for &m in months.iter().filter(|m| !blocks.contains(m)) {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == m => *last = m,
                _ => runs.push((m, m)),
            }
        }
        runs.into_iter()
            .filter_map(|(m1, m2)| {
                let mut start = NaiveDate::from_ymd_opt(year, m1, 1)?;
                let mut end = last_day(year, m2)?;
                if let Some(f) = c.from {
                    start = start.max(f);
                }
                if let Some(u) = c.until {
                    end = end.min(u.pred_opt()?);
                }
                let first = start.checked_add_days(Days::new(days_until(start.weekday(), day)))?;
                let last = end.checked_sub_days(Days::new(days_until(day, end.weekday())))?;
                (first <= last).then_some((first, last))
            })
            .collect()
    }

    fn write(&self, cal: &mut Ical, c: &Cadre, e: &Event<'_>, location: &str) {
        cal.line("BEGIN", "VEVENT");
        cal.line(
            "UID",
            &format!("{}-{}-{}-{}@sanlian", crate::percent_encode(&c.id), e.start.format("%Y%m%d"), e.kind, self.salt),
        );
        cal.line("DTSTAMP", &self.stamp);
        cal.line("DTSTART;VALUE=DATE", &e.start.format("%Y%m%d").to_string());
        cal.line("DTEND;VALUE=DATE", &e.end_exclusive.format("%Y%m%d").to_string());
        if let Some(r) = &e.rrule {
            cal.line("RRULE", r);
        }
        cal.text("SUMMARY", &e.summary);
        cal.text("LOCATION", location);
        cal.text("DESCRIPTION", &e.description);
        cal.line("END", "VEVENT");
    }
}

/// Days from weekday `from` forward to weekday `to` (0–6).
fn days_until(from: Weekday, to: Weekday) -> u64 {
    ((to.num_days_from_monday() + 7 - from.num_days_from_monday()) % 7) as u64
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next?.pred_opt()
}

fn byday(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// A short stable tag of the instance (FNV-1a of its name and first year), so that UIDs of
/// different instances do not collide while re-exports of one plan keep theirs.
fn salt(inst: &Instance) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in inst.name.bytes().chain(inst.first_year.to_le_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}
