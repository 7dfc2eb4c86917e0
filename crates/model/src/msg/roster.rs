//! Messages about roster spreadsheets (crates/files/src/roster): where a problem is, what is
//! wrong with a cell, a column or the file, and what was ignored.

catalog! {
    ROSTER,
    // ---- Places: "{file}{sheet}{row}{column}", each part given or empty ------------------
    "roster.at" => "{file}{sheet}{row}{column}", "{file}{sheet}{row}{column}";
    "roster.at_sheet" => "，工作表「{sheet}」", ", sheet {sheet}";
    "roster.at_row" => "，第 {row} 行", ", row {row}";
    "roster.at_column" => "，「{column}」列（{letter}）", ", column {column} ({letter})";
    "roster.at_column_name" => "，「{column}」列", ", column {column}";
    "roster.at_letter" => "，{letter} 列", ", column {letter}";
    "roster.located" => "{at}：{why}", "{at}: {why}";
    "roster.problems" => "名册中有 {count} 处问题：", "{count} problem(s) in the roster:";
    "roster.more" => "……另有 {count} 处问题未列出（只列出前 {most} 处）", "… and {count} more (only the first {most} are listed)";
    // Lists: "{first}、{rest}"; items of lists.
    "roster.list" => "{first}、{rest}", "{first}, {rest}";
    "roster.list_more" => "{first}，另有 {count} 项", "{first} and {count} more";
    "roster.item" => "{item}", "{item}";
    "roster.quoted" => "“{item}”", "{item}";
    "roster.row_id" => "第 {row} 行（{id}）", "row {row} ({id})";
    "roster.name_code" => "{name}（{code}）", "{name} ({code})";

    // ---- The file --------------------------------------------------------------------------
    "roster.not_a_sheet" =>
        "不是表格文件：{why}；请将名册另存为 .xlsx 工作簿或 UTF-8 编码的 CSV 文件后再导入",
        "not a spreadsheet: {why}; save the roster as an Excel workbook (.xlsx) or as CSV UTF-8 and import that";
    "roster.file_empty" => "文件是空的", "the file is empty";
    "roster.zip_not_xlsx" => "是压缩包，但不是 xlsx 或 ods 工作簿", "a ZIP archive that is not an xlsx or ods workbook";
    "roster.utf16" => "文本是 UTF-16 编码，不是 UTF-8", "the text is UTF-16 (Excel's \"Unicode text\"), not UTF-8";
    "roster.binary" => "文件中有二进制数据", "the file holds binary data";
    "roster.not_utf8_nor_gbk" =>
        "文本既不是 UTF-8 也不是 GBK 编码（偏移 {offset} 处的字节有误）",
        "the text is neither UTF-8 nor GBK (invalid byte at offset {offset}); save the roster as CSV UTF-8";
    "roster.read_as_gbk" =>
        "已按 GBK 编码读取（不是 UTF-8）：请核对姓名等文字是否正确",
        "read as GBK (not UTF-8): check that the names look right";
    // The detail of an unreadable file is its reader's own (English) words, shown last in zh.
    "roster.bad_csv" =>
        "CSV 文件格式有误：请检查该行的引号（技术细节：{detail}）",
        "malformed CSV: {detail}; check the quotes on that line";
    "roster.malformed" =>
        "工作簿内容已损坏：请用表格软件打开，另存为 .xlsx 后再导入",
        "the workbook's contents are malformed; open it in a spreadsheet program and save it again as .xlsx";
    "roster.malformed_ods" =>
        "工作簿内容已损坏：请用表格软件打开，另存为 .ods 或 .xlsx 后再导入",
        "the workbook's contents are malformed; open it in a spreadsheet program and save it again as .ods or .xlsx";
    "roster.unreadable_xlsx" =>
        "无法读取该 xlsx 工作簿：请用表格软件打开，另存为 .xlsx 后再导入（技术细节：{detail}）",
        "not a readable xlsx workbook ({detail}); open it in a spreadsheet program and save it again as .xlsx";
    "roster.unreadable_xls" =>
        "无法读取该 .xls 工作簿：请用表格软件打开，另存为 .xlsx 后再导入（技术细节：{detail}）",
        "not a readable .xls workbook ({detail}); open it in a spreadsheet program and save it again as .xlsx";
    "roster.unreadable_ods" =>
        "无法读取该 .ods 工作簿：请用表格软件打开，另存为 .ods 或 .xlsx 后再导入（技术细节：{detail}）",
        "not a readable .ods workbook ({detail}); open it in a spreadsheet program and save it again as .ods or .xlsx";
    "roster.ods_mimetype" =>
        "压缩包声明的类型是“{mimetype}”，不是 ods 电子表格",
        "the archive's mimetype is {mimetype}, not an ods spreadsheet";
    "roster.password" =>
        "工作簿设有密码：请去掉密码后另存，再导入",
        "the workbook is password-protected; remove the password and save it again";
    "roster.too_big" =>
        "工作簿解压后超过 {most} 兆字节，远大于一份名册：请只保留名册工作表",
        "the workbook unpacks to more than {most} MiB; a roster is far smaller: keep only the roster sheet";
    "roster.bad_shared_string" =>
        "工作簿内容已损坏（某单元格引用第 {index} 个共享字符串，而工作簿只有 {count} 个）：请用表格软件打开，另存为 .xlsx 后再导入",
        "the workbook's contents are malformed (a cell names shared string {index}, the workbook has {count}); open it in a spreadsheet program and save it again as .xlsx";
    "roster.no_sheets" =>
        "工作簿中没有工作表：请把名册放在名为「名册」的工作表中",
        "the workbook has no sheets; put the roster in a sheet named 名册";
    "roster.beyond_bounds" =>
        "工作表「{sheet}」在第 {rows} 行或第 {columns} 列之外还有内容（第 {row} 行第 {column} 列）：请只在其中保留名册",
        "sheet {sheet} has content beyond row {rows} or column {columns} (at row {row}, column {column}); keep only the roster in it";

    // ---- The header row --------------------------------------------------------------------
    "roster.empty_sheet" =>
        "工作表是空的：请在第一行填写表头「编号」「姓名」「级别」「单位」（以及模板中的选填列），从下一行起每行一名干部",
        "the sheet is empty: put the headers 编号, 姓名, 级别, 单位 (and the optional columns of the template) in the first row and one cadre per row below";
    "roster.no_header" =>
        "找不到表头行：没有哪一行写有「编号」「姓名」「级别」「单位」等名册列名；请在第一行填写表头（见模板的「说明」工作表）",
        "no header row: no row names a roster column such as 编号, 姓名, 级别 or 单位; put the headers in the first row (see the template's 说明 sheet)";
    "roster.title_row" =>
        "第 {first} 行在表头行（第 {header} 行）之上，已忽略（是标题吗？）",
        "row {first} is above the header row {header} and ignored (a title?)";
    "roster.title_rows" =>
        "第 {first}–{last} 行在表头行（第 {header} 行）之上，已忽略（是标题吗？）",
        "rows {first}–{last} are above the header row {header} and ignored (a title?)";
    "roster.column_twice" =>
        "「{column}」列出现了两次（{first} 列和 {second} 列），请只保留一列",
        "the column {column} appears twice ({first} and {second}); keep one of them";
    "roster.not_a_column" => "不是名册中的列，已忽略", "not a roster column; ignored";
    "roster.data_without_header" => "有数据但没有表头，已忽略", "has data but no header; ignored";
    "roster.missing_column" =>
        "缺少必填列「{column}」：请在表头行添加一列，表头写「{column}」",
        "the required column {column} is missing; add a column headed {column} to the header row";
    "roster.no_cadres" => "名册有表头，但没有干部", "the roster has headers but no cadres";

    // ---- Rows --------------------------------------------------------------------------------
    "roster.id_twice" =>
        "编号 {id} 重复出现（第 {first} 行和第 {row} 行），请给每名干部一个不同的编号",
        "the id {id} appears twice (rows {first} and {row}); give each cadre its own 编号";
    "roster.same_name" =>
        "有 {count} 名干部都叫“{name}”：{rows}；他们只能靠编号区分，请核实确是不同的人",
        "{count} cadres are named {name}: {rows}; they are told apart by 编号 only — check that they are different people";
    "roster.empty" => "「{column}」为空：{what}", "{column} is empty; every cadre needs {what}";
    "roster.needs_id" => "每名干部都要有自己的编号（如 P001）", "its own 编号 (e.g. P001)";
    "roster.needs_name" => "每名干部都要填写姓名", "a 姓名";
    "roster.needs_level" => "每名干部都要填写级别（省级、市级、县级、高校或企业）", "a 级别 (省级, 市级, 县级, 高校 or 企业)";
    "roster.needs_unit" => "每名干部都要填写派出单位（如 团省委）", "a dispatching 单位 (e.g. 团省委)";
    "roster.or_fill_city" => "{why}；也可以填写「所在市」", "{why}; or fill 所在市";
    "roster.county_not_in_city" =>
        "{county}属于{in_city}，不在「所在市」填写的{city}：请改正其中之一",
        "{county} is in {in_city}, not in 所在市 {city}; correct one of the two";
    "roster.city_cadre_needs_city" =>
        "市级干部须填写「所在市」，即其团市委所在的市（如 济南市 或 370100）：市级干部只下沉本市",
        "a 市级 cadre needs 所在市, the city of its 团市委 (e.g. 济南市 or 370100): it serves only in that city";
    "roster.county_cadre_needs_county" =>
        "县级干部须填写「所在县区」，即其团县委所在的县区（如 历下区 或 370102）：县级干部只下沉本县区",
        "a 县级 cadre needs 所在县区, the county of its 团县委 (e.g. 历下区 or 370102): it serves only there";
    "roster.lat_lon_pair" =>
        "「驻地纬度」和「驻地经度」须同时填写；或都留空，按级别使用默认驻地",
        "give both 驻地纬度 and 驻地经度, or leave both empty to use the seat the level implies";
    "roster.unit_needs_place" =>
        "高校、企业干部须给出单位位置：填写「驻地纬度」和「驻地经度」，或填写「所在县区」/「所在市」以使用其驻地",
        "a 高校 or 企业 cadre needs its unit's location: fill 驻地纬度 and 驻地经度, or 所在县区 / 所在市 to use that seat";

    // ---- Cells -------------------------------------------------------------------------------
    "roster.cell_error" =>
        "单元格中是表格错误值 {error}：请修正公式或直接填写数值",
        "the cell holds the spreadsheet error {error}; fix its formula or type the value";
    "roster.bad_level" =>
        "“{value}”不是级别：请填写省级、市级、县级、高校或企业",
        "{value} is not a level; write one of 省级, 市级, 县级, 高校, 企业 (or province, city, county, university, enterprise)";
    "roster.bad_yes_no" =>
        "“{value}”不是“是”或“否”：请填写是（或 √）、否，或留空（即否）",
        "{value} is not 是 or 否; write 是 (or √), 否 or leave it empty (= 否)";
    "roster.bad_mode" =>
        "“{value}”不是工作方式：请填写集中、每周（或 4+1）、混合，或留空按级别默认",
        "{value} is not a mode of work; write 集中, 每周 (or 4+1) or 混合 (or blocks, weekly, mixed), or leave it empty for the level's mode";
    "roster.bad_years" =>
        "“{value}”不是计划年度：请填写 1 或 2；两年都参加写“1、2”或留空",
        "{value} is not a set of plan years; write 1, 2 or 1、2 (empty = both years)";
    "roster.bad_years_calendar" =>
        "“{value}”不是计划年度：请填写 1 或 2（也可写公历年份 {first} 或 {second}）；两年都参加写“1、2”或留空",
        "{value} is not a set of plan years; write 1, 2 or 1、2, or the calendar years {first}、{second} (empty = both years)";
    "roster.bad_month" =>
        "“{value}”不是月份：请写作 2027-05、2027年5月 或 2027/5",
        "{value} is not a month; write it as 2027-05, 2027年5月 or 2027/5";
    "roster.bad_date" =>
        "“{value}”不是日期：请按“年-月-日”写作，如 2027-07-01",
        "{value} is not a date; write it as YYYY-MM-DD, e.g. 2027-07-01";
    "roster.not_a_number" =>
        "“{value}”不是数字：请以十进制度数填写{what}，如 36.670849",
        "{value} is not a number; write the {what} in decimal degrees, e.g. 36.670849";
    "roster.out_of_range" => "{value} 不是 [{min}, {max}] 之内的{what}", "{value} is not a {what} in [{min}, {max}]";
    "roster.latitude" => "纬度", "latitude";
    "roster.longitude" => "经度", "longitude";

    // ---- Cities and counties -------------------------------------------------------------------
    "roster.county_code_as_city" =>
        "{code} 是县区代码，不是市的代码：请填写市，如{example}",
        "{code} is a county's code, not a city's; write the city, e.g. {example}";
    "roster.unknown_city" =>
        "找不到市“{city}”：{province}没有这个名称或代码的市；请填写市名（如{example}）或 6 位代码",
        "unknown city {city}: no city of {province} has this name or code; write a city name such as {example} or its 6-digit code";
    "roster.city_code_as_county" =>
        "{code} 是市的代码，不是县区代码：请填写县区名称或 6 位县区代码",
        "{code} is a city's code, not a county's; write the county's name or its 6-digit code";
    "roster.unknown_county_code" =>
        "找不到县区代码 {code}：{province}没有这个代码的县区；见模板的「县区」工作表",
        "unknown county code {code}: no county of {province} has it; see the 县区 sheet of the template";
    "roster.county_ambiguous" =>
        "“{county}”有重名：{count} 个县区都叫这个名字（{list}）；请在前面写上市名，如“{example}”，或写 6 位代码 {code}",
        "{county} is ambiguous: {count} counties have this name, {list}; write the city before it, e.g. {example}, or the 6-digit code {code}";
    "roster.county_elsewhere" =>
        "{city}没有“{county}”：叫这个名字的是{list}",
        "{county} is not a county of {city}: there is {list}";
    "roster.unknown_county" =>
        "找不到县区“{county}”：{province}没有这个名称的县区；请填写模板「县区」工作表中的名称或 6 位代码",
        "unknown county {county}: no county of {province} has this name; write a name from the 县区 sheet of the template or a 6-digit code";
    "roster.unknown_county_near" =>
        "找不到县区“{county}”，是否指{near}？{province}没有这个名称的县区；请填写模板「县区」工作表中的名称或 6 位代码",
        "unknown county {county}: no county of {province} has this name (did you mean {near}?); write a name from the 县区 sheet of the template or a 6-digit code";

    // ---- The plan workbook read back (crates/files/src/form_edits.rs) -----------------------
    "form.problems" => "计划工作簿中有 {count} 处问题，未读取任何改动：", "{count} problem(s) in the plan workbook; no change was read:";
    "form.no_summary" =>
        "没有「汇总」工作表（第一个工作表是「{sheet}」）：请上传从本计划导出的工作簿，在「汇总」中修改后保存",
        "no sheet 汇总 (the first sheet is {sheet}): upload the workbook exported from this plan, edited in its 汇总 sheet";
    "form.copies_not_read" =>
        "只读取了「汇总」工作表；{count} 个县区工作表是打印用的副本，其中的改动未读取",
        "only the 汇总 sheet was read; the {count} county sheets are copies for printing and changes there were not read";
    "form.no_header" =>
        "找不到表头行（含“姓名”和“工作组”的一行）：表头是否被删除？请重新导出工作簿后再修改",
        "no header row (a row with 姓名 and 工作组): was it deleted? Export the workbook again and edit that";
    "form.missing_column" =>
        "缺少这一列：表头是否被改动或删除？请恢复原表头",
        "this column is missing: was the header changed or deleted? Restore it";
    "form.no_name" =>
        "姓名为空：若是合并了单元格，请取消合并并在每一行填写",
        "the name is empty: if cells were merged, unmerge them and fill every row";
    "form.unknown_cadre" =>
        "计划中没有“{name}”（{unit}）：行按姓名和单位及职务对应到人员，请勿修改这两列；新增人员请通过名册导入",
        "the plan has no {name} ({unit}): rows are matched to cadres by 姓名 and 单位及职务, which must not be changed; add cadres through the roster";
    "form.ambiguous_cadre" =>
        "有 {count} 名人员叫“{name}”，单位及职务和联系电话也相同：无法判断是哪一位",
        "{count} cadres are called {name} with the same unit and phone: cannot tell which one is meant";
    "form.cadre_twice" =>
        "“{name}”已在第 {first} 行出现：每人只能有一行",
        "{name} already has row {first}: one row per cadre";
    "form.cadre_missing" =>
        "缺少“{name}”的一行：删除行不能让人员退出计划，请恢复这一行（人员离开请用“人员变动”重新安排）",
        "the row of {name} is missing: deleting a row does not take a cadre out of the plan; restore it (a departure is a re-planning event)";
    "form.unknown_county" =>
        "没有叫“{county}”的县区：工作组一栏应写县区名称，如导出时所写",
        "no county is called {county}: write the county's name in 工作组, as exported";
    "form.ambiguous_county" =>
        "有 {count} 个县区叫“{county}”：请在“市”一栏写明所在的市",
        "{count} counties are called {county}: write its city in 市";
    "form.unknown_township" =>
        "没有叫“{township}”的乡镇（街道）：请写本县区乡镇的名称，如导出时所写",
        "no township is called {township}: write a township of the county, as exported";
    "form.ambiguous_township" =>
        "有多个乡镇（街道）叫“{township}”：请写它的 9 位代码",
        "several townships are called {township}: write its 9-digit code";
    "form.year_not_served" =>
        "此人这一年不参加：不能为这一年填写联系乡镇",
        "the cadre does not serve this year: no township can be set for it";
    "form.township_emptied" =>
        "联系乡镇不能清空：每人每年联系一个乡镇",
        "the township cannot be emptied: every cadre covers one township a year";
    "form.bad_month" =>
        "读不出月份“{text}”：请写成“2027年5月”",
        "cannot read the month {text}: write it as 2027年5月";
    "form.month_not_served" =>
        "“{text}”不在此人参加的年度内",
        "{text} is not in a year the cadre serves";
    "form.bad_weekday" =>
        "读不出工作日“{text}”：请写成“每周三”（周一至周五中的一天，两年相同）",
        "cannot read the weekday {text}: write one day from Monday to Friday, e.g. 每周三 (the same in both years)";
    "form.leaders_disagree" =>
        "同一工作组的组长栏写了不同的人：{names}；请每行写同一位组长",
        "the group's 组长 cells name different cadres: {names}; write the same leader in every row";
    "form.leader_not_member" =>
        "组长“{name}”不是这个工作组的成员：请先把此人调入本组（改其“工作组”一栏）",
        "the leader {name} is not a member of this group: move the cadre into it first (its 工作组 cell)";
    "form.own_data_ignored" =>
        "这是人员本身的信息，不是计划的安排，未读取：请在名册中修改",
        "this is the cadre's own data, not the plan's: not read; change it in the roster";
}
