//! Messages of plans: the best-effort shortfalls (PLANNING_RULES §5).

catalog! {
    PLAN,
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
        "{county}工作组由{leader}（{id}）带队，但其不是副处级以上：可到该县的 {seniors} 名副处级以上干部都在带领其他工作组或当时不在岗",
        "{county} is led by {leader} ({id}), who is not senior: {seniors} senior cadres are eligible here and all of them lead other groups or do not serve then";
    "shortfall.h3_no_leader" =>
        "{county}没有组长，因为该县没有工作组（见 H1）",
        "{county} has no leader because its group is empty (see H1)";
    "shortfall.h4_few_upper" =>
        "{county}工作组某段时间在岗的省级、市级成员只有 {upper} 人，少于 {min} 人：可到该县的 {reachable} 名省级、市级干部都需要留在其他工作组",
        "{county} has {upper} province/city members in service at some time, fewer than {min}: {reachable} province/city cadres are eligible here and are needed in other groups";
}
