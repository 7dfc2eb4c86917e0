//! Messages about inputs: instance and plan validation, events, rosters.

catalog! {
    INPUT,
    "noun.instance" => "实例", "instance";
    "noun.plan" => "计划", "plan";
    "noun.events" => "事件", "events";
    "noun.label" => "名称", "label";

    // validate.rs: the rejected input as a whole (InputError).
    "input.bad_json" =>
        "{what}不是有效的 JSON（第 {line} 行第 {column} 列）：{message}",
        "{what} is not valid JSON at line {line}, column {column}: {message}";
    "input.problems" => "{what}有 {count} 处问题：", "{count} problem(s) in the {what}:";
    "input.more_problems" =>
        "另有 {count} 处问题未列出，请先改正以上问题",
        "{count} more problem(s) not listed; correct these first";

    // validate.rs: sizes. The nouns name the lists that are too long.
    "input.too_many" => "{what}数量为 {len}，超过上限 {most}", "{len} {what}, more than the limit of {most}";
    "noun.cities" => "市", "cities";
    "noun.counties" => "县区", "counties";
    "noun.townships" => "乡镇", "townships";
    "noun.cadres" => "干部", "cadres";
    "noun.department_quotas" => "部门名额", "department quotas";
    "noun.needs" => "需求标签", "needs";
    "noun.strengths" => "特长标签", "strengths";
    "noun.preferred_counties" => "意向县区", "preferred counties";
    "noun.unavailable_months" => "不可到岗月份", "unavailable months";
    "noun.blocks_owed" => "年度条目（每个计划年度一条）", "entries (one per plan year)";
    "input.too_long" =>
        "长 {len} 个字符，超过上限 {most} 个字符",
        "is {len} characters long, more than the limit of {most}";

    // validate.rs: values and references.
    "input.not_a_latitude" => "{value} 不是有效的纬度（应在 -90 到 90 之间）", "{value} is not a latitude in [-90, 90]";
    "input.not_a_longitude" =>
        "{value} 不是有效的经度（应在 -180 到 180 之间）",
        "{value} is not a longitude in [-180, 180]";
    "input.implausible_year" => "{year} 不是合理的计划年度", "{year} is not a plausible plan year";
    "input.empty" => "不能为空", "is empty";
    "input.duplicate" => "编号 {code} 重复出现", "{code} appears twice";
    "input.not_a_city" => "{city} 不是本实例中的市", "{city} is not a city of this instance";
    "input.not_a_county" => "{county} 不是本实例中的县区", "{county} is not a county of this instance";
    "input.no_counties" => "没有需要规划的县区", "there are no counties to plan for";
    "input.county_without_townships" => "{code} {name}没有乡镇", "{code} {name} has no townships";
    "input.empty_roster" => "干部名单为空：没有可派驻的人员", "the roster is empty: there is nobody to deploy";
    "input.empty_unit" => "不能为空：每名干部都要有派出单位", "is empty: every cadre needs a dispatching unit";
    "input.needs_home_city" => "市级干部须填写所属市", "a city-level cadre needs its home city";
    "input.home_city_without_counties" =>
        "{city} 没有下辖县区，这名市级干部无处可派（H2）",
        "{city} has no counties, so this city-level cadre is eligible nowhere (H2)";
    "input.needs_home_county" => "县级干部须填写所属县区", "a county-level cadre needs its home county";
    "input.quota_unknown_department" =>
        "名额所指的部门 {department} 在名单中没有干部",
        "the quota names {department}, a department with no cadre on the roster";
    "input.quota_duplicate" =>
        "同一部门在 {month} 的名额已经写过一次",
        "a quota for this department in {month} is already given";
    "input.spread_min_per_city" =>
        "每市至少 {min} 名省级干部（A1），{cities} 个市共需 {need} 名，而名单只有 {have} 名省级干部",
        "at least {min} province cadre(s) in every city (A1) needs {need} for {cities} cities, and the roster has {have}";
    "input.spread_max_per_group" =>
        "每组至多 {max} 名省级干部（A2），{counties} 个县区最多容纳 {room} 名，而名单有 {have} 名省级干部",
        "at most {max} province cadre(s) per group (A2) leaves room for {room} in {counties} counties, and the roster has {have}";
    "alloc.unknown_cadre" => "{cadre} 不在干部名单中", "{cadre} is not on the roster";
    "alloc.bound_cadre" =>
        "{cadre} 是市级或县级干部，随本市（县）参加，不由省里分配",
        "{cadre} is a city or county cadre, who serves in their own city and is not allocated by the province";
    "alloc.twice" => "{cadre} 已分配给 {city}", "{cadre} is already allocated to {city}";
    "alloc.missing" => "{cadre} 未分配给任何市", "{cadre} is allocated to no city";
    "alloc.quota_over_cap" =>
        "{department} 在 {month} 各市名额合计 {sum}，超过其集中驻点上限 {cap}（H9）",
        "the cities' quotas of {department} in {month} add up to {sum}, more than its H9 cap of {cap}";
    "input.bad_month" =>
        "{month} 不是“年-月”格式的月份（如 2027-03）",
        "{month} is not a month in the form YYYY-MM";
    "input.outside_plan_years" =>
        "{value} 不在计划年度 {first}、{second} 之内",
        "{value} is outside the plan years {first} and {second}";
    "input.outside_window" =>
        "{month} 不在驻点时段（{first}–{last} 月）之内",
        "{month} is outside the on-site window (months {first}–{last})";
    "input.until_not_after_from" =>
        "{until} 不晚于服务开始日期 {from}",
        "{until} is not after the first day of service {from}";
    "input.no_service_in_window" =>
        "服务期不含任何在岗年度的驻点月份：该干部在本计划中没有工作可做",
        "the service period covers no window month of an active year: the cadre has nothing to do in this plan";
    "input.not_a_plan_year" =>
        "{year} 不是计划年度（应为 {first} 或 {second}）",
        "{year} is not a plan year ({first} or {second})";
    "input.blocks_owed_too_many" =>
        "{owed} 超过该干部工作方式每年的集中驻点月数 {own}",
        "{owed} exceeds the {own} block(s) a year of the cadre's mode";
    "input.bad_active_years" =>
        "{years} 应为计划年度 1、2 中的一个或两个，不能为空或重复",
        "{years} must be a non-empty set of plan years 1 and 2";

    // locks.rs: locks and bans (P1–P9) that are malformed or can never hold.
    "noun.locks" => "锁定", "locks";
    "noun.months" => "月份", "months";
    "lock.unknown_cadre" => "{cadre} 不是本实例中的干部", "{cadre} is not a cadre of this instance";
    "lock.unused_field" =>
        "“{kind}”类锁定不使用 {field}：请删去，或改用相应类别",
        "a lock of kind {kind} does not use {field}: remove it, or use the kind that does";
    "lock.missing_field" => "“{kind}”类锁定须填写 {field}", "a lock of kind {kind} needs its {field}";
    "lock.not_a_township" => "{township} 不是本实例中的乡镇", "{township} is not a township of this instance";
    "lock.weekend" => "每周工作日须为周一至周五（H10）", "the weekday must be Monday to Friday (H10)";
    "lock.breaks_h2" =>
        "{cadre} 不能派往 {county}（就近就便·H2）：请解除此锁定或另选县区",
        "{cadre} may not serve in {county} (H2 proximity): lift the lock or choose another county";
    "lock.conflict_county" =>
        "与 {other} 冲突：{cadre} 已被锁定在 {county}",
        "conflicts with {other}: {cadre} is already locked into {county}";
    "lock.conflict_ban" =>
        "与 {other} 冲突：对 {cadre} 同一事项既锁定又排除",
        "conflicts with {other}: it bars what that lock fixes for {cadre}";
    "lock.banned_everywhere" =>
        "{cadre} 可派往的县区都被排除了，无处可派（H1）",
        "every county {cadre} may serve in is barred: it can serve nowhere (H1)";
    "lock.leader_not_senior" =>
        "{cadre} 不是副处级以上干部，不能担任组长（带队组长·H3）",
        "{cadre} is not of deputy-division rank or above and cannot lead (H3)";
    "lock.two_leaders" =>
        "{county} 已由 {other} 指定了组长：一个工作组只有一名组长",
        "{county} already has a leader locked by {other}: a group has one leader";
    "lock.conflict_leader" =>
        "与 {other} 冲突：{cadre} 既被指定为组长又被排除",
        "conflicts with {other}: {cadre} is both locked to lead and barred from leading";
    "lock.inactive_year" => "{cadre} 在 {year} 年不在岗", "{cadre} is not active in {year}";
    "lock.conflict_township" =>
        "与 {other} 冲突：{cadre} 在 {year} 年只联系一个乡镇（H5）",
        "conflicts with {other}: {cadre} covers one township in {year} (H5)";
    "lock.same_township" =>
        "{cadre} 两年被锁定在同一乡镇，而本县有两个以上乡镇（H5 要求两年不同）",
        "{cadre} is locked to the same township in both years, though its county has two or more (H5)";
    "lock.township_full" =>
        "{year} 年有 {count} 人被锁定在{township}，超过每个乡镇 {cap} 人的上限（H6）",
        "{count} cadres are locked to {township} in {year}, more than the {cap} a township may take (H6)";
    "lock.no_blocks" =>
        "{cadre} 的工作方式没有集中驻点月份，不能锁定月份",
        "{cadre} works in a mode without block months: no month can be locked";
    "lock.month_not_served" => "{cadre} 在 {month} 不在岗", "{cadre} does not serve in {month}";
    "lock.month_unavailable" =>
        "{cadre} 在 {month} 已标为不可到岗",
        "{cadre} marked {month} as unavailable";
    "lock.too_many_months" =>
        "{cadre} 在 {year} 年锁定了 {count} 个月，但该年只有 {blocks} 个集中驻点月（H8）",
        "{cadre} has {count} months locked in {year} but only {blocks} block(s) that year (H8)";
    "lock.department_full" =>
        "{department} 在 {month} 有 {count} 人被锁定集中驻点，超过 {cap} 人的上限（H9）",
        "{count} cadres of {department} are locked on a block in {month}, more than its cap of {cap} (H9)";
    "lock.no_weekday" =>
        "{cadre} 的工作方式没有每周工作日，不能锁定星期",
        "{cadre} works in a mode without a weekday: no weekday can be locked";
    "lock.conflict_weekday" =>
        "与 {other} 冲突：{cadre} 只有一个每周工作日（H10）",
        "conflicts with {other}: {cadre} has one weekday (H10)";

    "lock.breaks_fairness" =>
        "{cadre} 不能派往 {county}（公平负担·{rule}）：请解除此锁定，或放宽该选项",
        "{cadre} may not serve in {county} (fair burden, {rule}): lift the lock or relax the option";
    "lock.banned_everywhere_fair" =>
        "公平负担选项（F1、F2）允许 {cadre} 去的县区都被排除了，无处可派（H1）",
        "every county the fair-burden options (F1, F2) allow {cadre} is barred: it can serve nowhere (H1)";

    // prepared.rs: the fair-burden options (F1–F3) that cannot hold.
    "fairness.cap_below_h2" =>
        "两年行程上限 {cap} 公里（F1）低于 {count} 名干部在就近就便（H2）可派县区中的最短两年行程：{cadres}。上限至少应为 {need} 公里，或不设上限",
        "the two-year travel cap of {cap} km (F1) is below the least two-year travel H2 allows {count} cadre(s): {cadres}. The cap must be at least {need} km, or be lifted";
    "fairness.cadre_least" => "{cadre} {name}（至少 {km} 公里）", "{cadre} {name} (at least {km} km)";
    "fairness.and" => "{first}；{rest}", "{first}; {rest}";
    "fairness.more" => "另有 {count} 名", "and {count} more";

    // edits of a plan (sanlian_explain::edit).
    "noun.edit" => "调整", "edit";
    "noun.cadre" => "干部", "cadre";
    "noun.county" => "县区", "county";
    "noun.township" => "乡镇", "township";
    "noun.year" => "计划年度", "plan year";
    "noun.month" => "月份", "month";
    "edit.unknown" => "计划中没有这个{what}：{code}", "the plan has no {what} {code}";

    // params.rs: parameters out of range.
    "param.not_a_month" => "{value} 不是 1–12 之间的月份", "{value} is not a month 1–12";
    "param.window_reversed" =>
        "驻点时段的结束月（{last}）早于开始月（{first}）",
        "window ends ({last}) before it starts ({first})";
    "param.blocks_per_year" =>
        "{value} 应在 1 到驻点时段的月数 {months} 之间",
        "{value} must be between 1 and the {months} months of the window";
    "param.beyond_window" => "{value} 超过驻点时段的月数 {months}", "{value} exceeds the {months} months of the window";
    "param.distance" => "{value} 应为 (0, {most}] 公里之内的距离", "{value} must be a distance in (0, {most}] km";
    "param.count" => "{value} 应为 {range} 之内的人数", "{value} must be a count in {range}";
    "param.township_room" =>
        "{value} 应为 [1, {most}] 之内的人数：为 0 则任何乡镇都无人可驻",
        "{value} must be a count in [1, {most}]: 0 leaves no room to cover any township";
    "param.share" => "{value} 不在 (0, 1] 之内", "{value} is outside (0, 1]";
    "param.range" => "{value} 应在 {range} 之内", "{value} must lie in {range}";
    "param.trips" =>
        "{value} 应在 [1, {most}] 之内：每个集中驻点月往返 0 次就不成其为集中驻点",
        "{value} must lie in [1, {most}]: 0 trips per block month is not a block";
    "param.fare" => "{value} 应在每公里 [0, {most}] 元之内", "{value} must lie in [0, {most}] yuan per km";
    "param.weeks" =>
        "{value} 应在 (0, 53] 之内，且不少于 {blocks} 个混合方式集中驻点月所占的 {weeks} 周",
        "{value} must lie in (0, 53] and cover the {blocks} mixed block months ({weeks} weeks)";
    "param.continuity_at_least" =>
        "要求 {value} 名干部留在上一轮的县区，但只有 {cadres} 名干部有上一轮的县区",
        "asks for {value} cadres in their previous county, but only {cadres} cadres have one (previous_county)";
    "param.robust_at_least" =>
        "要求 {value} 个抗单人离岗的工作组，但只有 {counties} 个县区",
        "asks for {value} robust groups, but there are only {counties} counties";

    // events.rs: events that cannot apply.
    "event.none" => "没有任何事件：无需重新规划", "there are no events: nothing to re-plan";
    "event.unknown_cadre" =>
        "{cadre} 既不是本实例中的干部，也不是此前事件加入的干部",
        "{cadre} is not a cadre of the instance or of an earlier event";
    "event.already_leaves" =>
        "{cadre} 已在此前的事件中离岗：两个事件相互冲突",
        "{cadre} already leaves in an earlier event: two events conflict";
    "event.id_taken" => "{id} 已是现有干部的编号", "{id} is already a cadre id";
    "event.no_months" => "没有列出任何月份", "lists no month";
    "event.month_before_date" =>
        "{month} 早于事件日期 {date}：已过去的安排保持不变",
        "{month} starts before the event date {date}: the past is kept as it was";
    "event.located" =>
        "{problem}（应用事件后干部 {cadre} 的 {path}）",
        "{problem} (cadre {cadre} after the events: {path})";
}
