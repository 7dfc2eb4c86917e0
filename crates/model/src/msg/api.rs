//! Messages of the service's answers (HTTP errors and failed jobs).

catalog! {
    API,
    // ---- Places --------------------------------------------------------------------------
    "loc.raw" => "{at}", "{at}";
    "loc.line_column" => "第 {line} 行第 {column} 列", "line {line}, column {column}";
    "loc.problem" => "{path}：{why}", "{path}: {why}";
    // ---- Nouns ---------------------------------------------------------------------------
    "noun.job" => "任务", "job";
    "noun.edits" => "项调整", "edits";
    "api.edits_text" => "{first}等 {count} 项调整", "{first} and {count} more edits";
    "noun.fixture" => "示例数据", "fixture";
    "noun.solve options" => "求解选项", "solve options";
    "noun.reassign request" => "调整请求", "reassign request";
    "noun.scenario spec" => "情景设置", "scenario spec";
    "noun.trade-off request" => "权衡请求", "trade-off request";
    "noun.fairness" => "公平", "fairness";
    "noun.robust" => "稳健", "robustness";
    "noun.continuity_at_least" => "连续性", "continuity";
    "job.queued" => "排队中", "queued";
    "job.running" => "运行中", "running";
    "job.done" => "已完成", "done";
    "job.failed" => "已失败", "failed";
    "job.cancelled" => "已停止", "cancelled";
    // ---- Requests ------------------------------------------------------------------------
    "api.invalid_query" => "请求参数无效：{why}", "the query string is not valid: {why}";
    "api.no_route" => "没有这个接口；接口清单见 /api/openapi.json", "no such endpoint; the list is at /api/openapi.json";
    "api.method_not_allowed" =>
        "该接口不接受这种请求方式；见 /api/openapi.json",
        "this endpoint does not take that method; see /api/openapi.json";
    "api.id_not_a_number" => "没有编号为“{id}”的{kind}：编号是数字", "there is no {kind} '{id}': ids are numbers";
    "api.no_such" => "没有编号为 {id} 的{kind}", "there is no {kind} {id}";
    "api.not_utf8" =>
        "{what}不是 UTF-8 文本（第 {offset} 个字节有误）；请发送 JSON",
        "the {what} is not UTF-8 text (bad byte at offset {offset}); send JSON";
    "api.invalid_json" => "{what}不是有效的 JSON：{why}", "{what} is not valid JSON: {why}";
    "api.invalid_input" => "{what}有 {count} 处问题：", "{count} problem(s) in the {what}:";
    "api.no_fixture" => "没有名为“{name}”的示例数据；可用的见 GET /api/fixtures", "there is no fixture '{name}'; GET /api/fixtures lists them";
    "api.plan_mismatch" => "该计划不属于实例 {id}：{why}", "the plan does not belong to instance {id}: {why}";
    "api.plan_invalid" =>
        "检查未通过：计划有 {count} 处违反规则（第一处：{first}），未保存",
        "the checker rejects the plan ({count} violation(s), the first: {first}); nothing was stored";
    "api.invalid_spec" => "情景设置有误：{why}", "{why}";
    "api.bad_label" =>
        "名称须为 1 至 {most} 个字符且不含控制字符；这个名称有 {count} 个字符",
        "a label is 1 to {most} characters without control characters; this one has {count}";
    "api.patch_empty" => "请给出名称或编制人，或两者都给", "give a label, an author, or both";
    "api.bad_author" =>
        "编制人须为 0 至 {most} 个字符且不含控制字符；这个有 {count} 个字符",
        "an author is 0 to {most} characters without control characters; this one has {count}";
    "api.author_of_plans" => "只有计划有编制人；实例只能改名称", "only plans have an author; an instance takes a label only";
    "api.plans_unrelated" =>
        "计划 {a} 与计划 {b} 属于不同的实例（{ia}、{ib}），且都不是由另一个调整而来，无法对比；请选同一实例的两个版本，或一个计划与它的调整结果",
        "plans {a} and {b} belong to different instances ({ia}, {ib}) and neither was re-planned from the other; compare two versions of one instance, or a plan and its re-plan";
    "api.in_use" =>
        "有 {jobs} 个排队或运行中的任务正在使用{kind} {id}；请先停止这些任务或等待其完成，再删除",
        "{jobs} queued or running job(s) work on {kind} {id}; stop them (DELETE /api/jobs/…) or wait, then delete it";
    "api.bad_option" => "选项 {option} 不支持“{value}”：可选 {offered}", "{option} '{value}' is not offered: use {offered}";
    "api.bad_time_limit" => "时间限制须为正的秒数", "time_limit must be a positive number of seconds";
    "api.tradeoff_points" =>
        "选项 {field}（方案数）须为 {min} 至 {max} 的整数，收到 {got}",
        "{field} (the number of plans) must be a whole number from {min} to {max}; got {got}";
    "api.tradeoff_reach" =>
        "选项 {field}（邻组兜底的距离）须为 {min} 至 {max} 公里，收到 {got}",
        "{field} (how far a neighbouring group may back up) must be from {min} to {max} km; got {got}";
    "api.tradeoff_time_limit" =>
        "选项 {field}（每次求解的时间限制）须为大于 0、不超过 {max} 的秒数，收到 {got}",
        "{field} (the limit of each solve) must be more than 0 and at most {max} seconds; got {got}";
    "api.tradeoff_preset" =>
        "实例 {id} 已设定{what}选项；权衡会自行设定公平、稳健与连续性的约束，请用未设这些选项的实例",
        "instance {id} sets {what} options already; the trade-offs set their own fairness, robustness and continuity constraints: use an instance without them";
    "api.tradeoff_not_object" =>
        "权衡请求须为 JSON 对象，例如 {example}",
        "the trade-off request is a JSON object, e.g. {example}";
    "api.tradeoff_unknown" =>
        "权衡请求中没有选项 {field}：可用的有 {offered}",
        "{field} is not an option of the trade-offs: use {offered}";
    "api.tradeoff_not_number" => "选项 {field} 须为数字，收到 {got}", "{field} must be a number; got {got}";
    "api.tradeoffs_infeasible" =>
        "严格模式下没有满足全部硬规则的方案，无可权衡：{why}",
        "no plan satisfies every hard rule, so there is nothing to trade: {why}";
    "api.tradeoffs_failed" => "权衡计算失败：{why}", "{why}";
    "api.explain_unknown" => "{why}", "{why}";
    "api.explain_infeasible" =>
        "该实例没有严格方案可供比较；请先求解，查看无解证明",
        "the instance has no strict plan to compare with; solve it to see the certificates";
    "api.explain_failed" => "无法解释：{why}", "{why}";
    "api.no_city" =>
        "本实例中没有“{city}”这个市；请写市名或代码，例如 {some}",
        "there is no city {city} in this instance; give a city's name or code, e.g. {some}";
    "api.calendar" => "{why}", "{why}";
    // ---- Jobs ----------------------------------------------------------------------------
    "api.solve_failed" =>
        "求解失败：{why}；可延长时间限制或改用尽力模式",
        "{why}; try a longer time_limit or best_effort mode";
    "api.shutting_down" => "服务正在关闭；请在重启后再提交", "the server is shutting down; submit again after it restarts";
    "api.queue_full" =>
        "任务队列已满（{waiting} 个排队，{running} 个运行中），未保存任何内容：请几秒后重试",
        "the job queue is full ({waiting} waiting, {running} running); nothing was stored: retry in a few seconds";
    "api.job_finished" => "任务 {id} 已经{state}，无需停止", "job {id} is {state} already: there is nothing to stop";
    "api.invalid_base_plan" => "原计划不能作为调整的基础：{why}", "{why}";
    "api.invalid_events" => "调整事件无法执行：{why}", "{why}";
    "api.cancelled" => "任务已停止", "the job was cancelled";
    "api.interrupted" =>
        "任务运行时服务已中断 {times} 次（服务停止或崩溃），不再自动重跑：请重新提交，可设定时间限制",
        "the job was interrupted {times} times (the service stopped or crashed while it ran); it is not run again: submit it anew, perhaps with a time limit";
    "api.job_panicked" => "任务意外失败，详情见服务器日志", "the job failed unexpectedly; the server log has the details";
    "api.result_lost" => "数据库无法写入，任务结果已丢失", "the database could not be written; the job's result is lost";
    "api.cancel_unrecorded" => "任务已停止，但数据库未能记录", "the job was stopped, but the database could not record it";
    "api.job_not_running" =>
        "任务 {id} 尚未开始运行，没有可保留的结果；可直接取消",
        "job {id} is not running yet: there is no result to keep; cancel it instead";
    "api.job_cannot_stop" =>
        "任务 {id} 不能中途停止并保留结果（只有求解和情景任务可以），只能取消",
        "job {id} cannot be stopped with its best result kept (only solve and scenario jobs can); cancel it instead";
    // ---- Uploads and access --------------------------------------------------------------
    "api.too_large" =>
        "请求内容超过 {limit} 字节的上限；如确是真实数据，请用更大的 --body-limit 启动服务",
        "the request body is larger than the limit of {limit} bytes; start the server with a larger --body-limit if this is a real instance";
    "api.options_too_large" =>
        "选项超过 {limit} 字节的上限：选项只是几个数字",
        "the options are larger than the limit of {limit} bytes: they are a few numbers";
    "api.busy" =>
        "服务正在接收的上传已达上限；请稍后再发送",
        "the service is receiving as many uploads as it holds at once; send this one again shortly";
    "api.bad_body" => "请求内容无法读取：{why}", "the request body could not be read: {why}";
    "api.body_timeout" =>
        "请求内容未在 {seconds} 秒内传完；请在更快的网络上重发",
        "the request body did not arrive within {seconds} s; send it again on a faster connection";
    "api.unknown_host" =>
        "本服务不响应主机名 {host}；如需以该名称提供服务，请用 --allowed-host 启动",
        "this service does not answer to the host {host}; start it with --allowed-host NAME to serve that name";
    "api.cross_origin" =>
        "其他网站的页面（{origin}）不能在此修改任何内容；请使用本服务自己的页面",
        "a page of another site ({origin}) may not change anything here; use this service's own page";
    "api.unsupported_media_type" =>
        "不接受类型为 {got} 的请求内容：请发送 {allowed}",
        "a body of type {got} is not taken here: send {allowed}";
    // ---- Server faults -------------------------------------------------------------------
    "api.internal" => "服务器内部错误（{context}），详情见服务器日志", "{context}; the server log has the details";
    "api.store_unavailable" =>
        "数据库无法写入（磁盘已满或出现故障？），未保存任何内容（{context}）",
        "{context}: the database cannot be written (is the disk full or failing?); nothing was stored";
    // ---- Accounts, sessions and the province–city process ------------------------------------
    "api.login_required" =>
        "请先登录（会话不存在或已过期）；单机使用请以 --single-user 启动服务",
        "log in first (no session, or it has expired); for a single desk start the service with --single-user";
    "api.wrong_login" => "用户名或密码错误", "wrong user name or password";
    "api.too_many_logins" =>
        "登录失败次数过多，请 {seconds} 秒后再试",
        "too many failed logins; try again in {seconds} s";
    "api.single_user" =>
        "服务以单机模式（--single-user）运行，没有账号和登录",
        "the service runs for a single desk (--single-user): there are no accounts to log into";
    "api.csrf" =>
        "缺少或不符的防跨站令牌：修改内容的请求须带上登录时得到的令牌（请刷新页面）",
        "missing or wrong CSRF token: a change must carry the session's token in X-CSRF-Token (reload the page)";
    "api.forbidden" => "当前角色（{role}）无权执行此操作", "your role ({role}) may not do this";
    "api.bad_password" => "新密码不可用：{why}", "the new password cannot be used: {why}";
    "api.in_round" =>
        "{kind} {id} 属于第 {round} 轮报审，不能删除",
        "{kind} {id} belongs to round {round} and cannot be deleted";
    "api.round_infeasible" =>
        "按此分配，{where}无法排出满足全部规则的方案（见下）；未作任何更改",
        "under this allocation {where} has no plan that keeps every rule (see below); nothing was changed";
    "api.bad_allocation" => "分配方案与实例不符（见下）；未作任何更改", "the allocation does not fit the instance (see below); nothing was changed";
    "api.merge_incomplete" => "尚不能合并：缺少 {what}", "cannot merge yet: missing {what}";
    "api.not_province_instance" =>
        "实例 {id} 是 {city} 的子实例；新一轮须基于全省实例",
        "instance {id} is the sub-instance of city {city}; a round starts from a province instance";
    "api.invalid_id" => "{kind} 编号“{id}”不是数字", "{kind} id \"{id}\" is not a number";
    "api.round_started" =>
        "已有市报审，分配不能再改；请开始新一轮",
        "a city has submitted already: the allocation can no longer change; start a new round";
    "api.not_submitted" => "{city} 尚未报审方案", "{city} has not submitted a plan yet";
    "api.not_approved" => "{city} 的方案尚未通过审核", "the plan of {city} is not approved yet";
    "api.stale_version" =>
        "{city} 的方案已是第 {current} 版（{state}）：您看到的版本已过时，请刷新后再操作；未作任何更改",
        "the plan of {city} is at version {current} ({state}): the version you acted on is stale; reload, nothing was changed";
    "api.wrong_state" =>
        "{city} 的方案当前为“{state}”，不能执行此操作；未作任何更改",
        "the plan of {city} is {state}, which does not allow this; nothing was changed";
    "api.not_round_plan" =>
        "方案 {plan} 不是 {city} 本轮子实例（实例 {instance}）的方案",
        "plan {plan} is not a plan of {city}'s sub-instance in this round (instance {instance})";
    "api.invalid_city_plan" =>
        "{city} 的方案违反 {count} 条规则（见下），不能报审",
        "the plan of {city} breaks {count} rules (see below) and cannot be submitted";
    "api.comment_required" => "退回须写明意见（总体或分组）", "a return needs a comment (overall or per group)";
    "api.bad_comment" => "意见最多 {most} 个字符，且不能含控制字符", "a comment has at most {most} characters and no control characters";
    "api.comment_county" => "{county} 不是 {city} 的县区", "{county} is not a county of {city}";
    "api.comment_groups" => "分组意见只用于退回", "comments per group go with a return only";
}
