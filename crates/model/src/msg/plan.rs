//! Messages of plans: the best-effort shortfalls (PLANNING_RULES §5), the takeover options of a
//! re-plan (§7) and the names of the solver's stages (§4, §7).

catalog! {
    PLAN,
    // The stages, by id: what each optimises, as a planner reads it.
    "stage.B1" => "覆盖的乡镇数，最大（H7 目标）", "H7 goal: townships covered, max";
    "stage.B2" => "有副处级以上组长的工作组数，最大（H3 目标）", "H3 goal: groups led by a senior cadre, max";
    "stage.B3" => "混合编组（含省市级组员）的工作组数，最大（H4 目标）", "H4 goal: groups with mixed composition, max";
    "stage.N" => "抗单人离岗（N−1）的工作组数，最大", "robust (N−1) groups, max";
    "stage.S1" => "差旅费用 + 偏好罚分 − 连续性奖励，最小", "travel cost + preference penalty − continuity bonus, min";
    "stage.S2" => "特长与需求匹配 + 第一年覆盖重点乡镇，最大", "strength matches + priority townships in year one, max";
    "stage.S3a" => "有组员驻点的（县、年、月）数，最大", "(county, year, month) with a member on site, max";
    "stage.S3b" => "各组每周下沉干部的不同工作日数之和，最大", "distinct weekdays of each group's weekly cadres, max";
    "stage.R1" =>
        "生效日期后的换组次数，最小（每个可调整的年度计 2：工作组和乡镇）",
        "changed groups and townships after the date (per cadre and year), min";
    "stage.R2" => "生效日期后改变的乡镇数，最小（其次 S2 最大）", "changed townships after the date (then S2 max), min";
    "stage.R3" =>
        "生效日期后驻点月份有变的（干部、年）数，最小（其次 S3a 最大）",
        "(cadre, year) whose block months change after the date (then S3a max), min";
    "shortfall.h1_no_one_eligible" =>
        "{county}没有工作组：没有干部符合到该县的条件（H2）",
        "{county} has no group: no cadre is eligible for it (H2)";
    "shortfall.h1_needed_elsewhere" =>
        "{county}没有工作组：符合条件的 {eligible} 名干部都被用于覆盖别处更多的乡镇",
        "{county} has no group: its {eligible} eligible cadres were all needed to cover more townships elsewhere";
    "shortfall.h1_gap" =>
        "自 {day} 起{county}工作组没有在岗成员：当时能去该县的干部都被安排在别处",
        "from {day} no member of the group of {county} is in service: the cadres who could serve there then were needed elsewhere";
    "shortfall.h7_uncovered" =>
        "{county}{township}未被覆盖：{county}工作组共有 {supply} 人年，需覆盖 {townships} 个乡镇；再调入符合条件的 {eligible} 名干部中的人会使别处乡镇失去覆盖",
        "{county}{township} is not covered: the group of {county} has {supply} cadre-years for {townships} townships, and moving more of the {eligible} eligible cadres here would uncover townships elsewhere";
    "shortfall.h3_not_senior" =>
        "{county}工作组由{leader}（{id}）带队，但其不是副处级以上：可到该县的 {seniors} 名副处级以上干部都在带领其他工作组、已在其他工作组工作而不能调动（H1）或当时不在岗",
        "{county} is led by {leader} ({id}), who is not senior: {seniors} senior cadres are eligible here and all of them lead other groups, are at work in other groups they cannot leave (H1), or do not serve then";
    "shortfall.h3_no_leader" =>
        "{county}没有组长，因为该县没有工作组（见 H1）",
        "{county} has no leader because its group is empty (see H1)";
    "shortfall.h4_few_upper" =>
        "{county}工作组某段时间在岗的省级、市级成员只有 {upper} 人，少于 {min} 人：可到该县的 {reachable} 名省级、市级干部都需要留在其他工作组",
        "{county} has {upper} province/city members in service at some time, fewer than {min}: {reachable} province/city cadres are eligible here and are needed in other groups";
    "robust.no_senior_backup" =>
        "{county}工作组自 {day} 起在岗且可任组长的成员不足两人，{reach} 公里内也没有能派出一名副处级以上成员接任、本组仍有组长的工作组（N1）",
        "from {day} the group of {county} has fewer than two members in service who may lead it, and no group within {reach} km could lend it a senior member and stay led (N1)";
    "robust.no_upper_spare" =>
        "{county}工作组自 {day} 起在岗的省级、市级成员不超过 {min} 人，其中任何一人离岗都会使混合编组不成立（N2，见 H4）",
        "from {day} the group of {county} has no more than {min} province/city members in service, so any one of them leaving breaks its mixed composition (N2, see H4)";
    "robust.second_senior" =>
        "{county}工作组始终有两名以上可任组长的成员在岗",
        "the group of {county} has two or more members in service who may lead it at every date";
    "robust.backed_up" =>
        "{county}工作组缺第二名可任组长的成员时，可由{backups}派人接任",
        "when the group of {county} has no second member who may lead it, {backups} can lend one";
    "robust.summary" =>
        "抗单人离岗（N−1）的工作组：{robust} / {groups}（接任范围 {reach} 公里）",
        "robust (N−1) groups: {robust} of {groups} (reach {reach} km)";
    "robust.compare" =>
        "不求抗单人离岗的最优方案：S1 为 {plain}，其中抗单人离岗的工作组 {plain_groups} 个；抗单人离岗方案：S1 为 {robust}，抗单人离岗的工作组 {robust_groups} 个；S1 相差 {delta}",
        "plain optimum: S1 {plain} with {plain_groups} robust groups; robust plan: S1 {robust} with {robust_groups} robust groups; extra cost {delta}";
    "replan.takeover_head" =>
        "可接任组长（{county}工作组，原组长 {leaver} 离岗）：",
        "Could take over as leader (group of {county}, whose leader {leaver} leaves): ";
    "replan.takeover_option" =>
        "{name}（{id}，{at}）改动 {changes} 项，费用 {cost}",
        "{name} ({id}, {at}) {changes} change(s), cost {cost}";
    "replan.takeover_move" =>
        "{name}（{id}，自{at}调任）改动 {changes} 项，费用 {cost}",
        "{name} ({id}, moving from {at}) {changes} change(s), cost {cost}";
    "replan.takeover_blocked" =>
        "{name}（{id}，{at}）不可行：{why}",
        "{name} ({id}, {at}) not possible: {why}";
    "replan.takeover_unsolved" =>
        "{name}（{id}，{at}）未算完：{why}",
        "{name} ({id}, {at}) not solved: {why}";
    "replan.takeover_h1" =>
        "已在{county}工作组工作，一名干部全程只属一个工作组（H1）",
        "already at work in the group of {county}, and a cadre belongs to one group for the whole plan (H1)";
    "replan.takeover_rest" =>
        "另有 {n} 人未逐一测算",
        "{n} more eligible not evaluated";
    "replan.takeover_none" =>
        "{county}工作组（原组长 {leaver} 离岗）：没有在岗且可派往该县的副处级以上干部",
        "group of {county} (its leader {leaver} leaves): no senior cadre in service may serve there";
    "replan.takeover_chosen" =>
        "采用：{name}（{id}）接任组长",
        "Chosen: {name} ({id}) takes over as leader";
    "replan.takeover_eligible" =>
        "可派往该县且在岗的副处级以上干部共 {eligible} 名，其中 {elsewhere} 名已在别的工作组工作（H1：一名干部全程只属一个工作组），只能调任接任（原组因此少一人），所以在保留各人原组的严格修复里，能派往该县的副处级以上干部只有 {free} 名",
        "{eligible} senior cadres in service may serve in the county; {elsewhere} of them are at work in other groups (H1: a cadre belongs to one group for the whole plan) and can take over only by moving (their group loses them), so with everyone kept in their groups a strict repair counts {free} senior cadres for the county";
}
