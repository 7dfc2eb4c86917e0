//! The roster template's columns: header, meaning, whether required, example, default.

/// A column of the roster template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Col {
    Id,
    Name,
    Level,
    Unit,
    Department,
    Senior,
    City,
    County,
    Lat,
    Lon,
    Strengths,
    Preferred,
    Previous,
    Unavailable,
    Years,
    Mode,
    From,
    Until,
    Gender,
    Title,
    Phone,
    Note,
}

/// What the 说明 sheet and the documentation say about a column.
pub(crate) struct Spec {
    pub col: Col,
    pub header: &'static str,
    pub meaning: &'static str,
    pub required: &'static str,
    pub example: &'static str,
    pub default: &'static str,
}

/// Every column, in template order.
pub(crate) const COLUMNS: [Spec; 22] = [
    Spec {
        col: Col::Id,
        header: "编号",
        meaning: "干部编号，名册内唯一",
        required: "必填",
        example: "P001",
        default: "—",
    },
    Spec { col: Col::Name, header: "姓名", meaning: "干部姓名", required: "必填", example: "周宏昊", default: "—" },
    Spec {
        col: Col::Level,
        header: "级别",
        meaning: "派出单位级别：省级、市级、县级、高校、企业（也可写 province、city、county、university、enterprise）",
        required: "必填",
        example: "省级",
        default: "—",
    },
    Spec {
        col: Col::Unit,
        header: "单位",
        meaning: "派出单位（承担该干部的费用）",
        required: "必填",
        example: "团省委",
        default: "—",
    },
    Spec {
        col: Col::Department,
        header: "部门",
        meaning: "单位内部门（同一部门同月集中下沉人数受比例限制）",
        required: "选填",
        example: "组织部",
        default: "整个单位算一个部门",
    },
    Spec {
        col: Col::Senior,
        header: "副处级以上",
        meaning: "是否副处级以上（可任工作组组长）：是、否（也可写 true/false、1/0）",
        required: "选填",
        example: "是",
        default: "否",
    },
    Spec {
        col: Col::City,
        header: "所在市",
        meaning: "所在市：市名或 6 位代码；市级干部只能下沉本市县区",
        required: "市级必填",
        example: "济南市",
        default: "空",
    },
    Spec {
        col: Col::County,
        header: "所在县区",
        meaning: "所在县区：县区名、“市名+县区名”或 6 位代码；县级干部下沉本县区。重名县区（如市中区）请同时填所在市，或写作“济南市市中区”",
        required: "县级必填",
        example: "历下区",
        default: "空",
    },
    Spec {
        col: Col::Lat,
        header: "驻地纬度",
        meaning: "派出单位驻地纬度（度，北纬为正），与驻地经度同填或同空",
        required: "高校、企业必填（或填所在县区/所在市）",
        example: "36.670849",
        default: "省级：省会；市级：所在市驻地；县级：所在县区驻地；高校、企业：所在县区或所在市驻地",
    },
    Spec {
        col: Col::Lon,
        header: "驻地经度",
        meaning: "派出单位驻地经度（度，东经为正）",
        required: "同驻地纬度",
        example: "117.014012",
        default: "同驻地纬度",
    },
    Spec {
        col: Col::Strengths,
        header: "特长",
        meaning: "特长标签，与乡镇需求匹配；多个用顿号、逗号或分号分隔",
        required: "选填",
        example: "留守儿童、乡村振兴",
        default: "无",
    },
    Spec {
        col: Col::Preferred,
        header: "意向县区",
        meaning: "意向下沉县区（名称或代码），多个用顿号分隔",
        required: "选填",
        example: "历下区、市中区",
        default: "无",
    },
    Spec {
        col: Col::Previous,
        header: "上轮县区",
        meaning: "上一轮下沉的县区（名称或代码），留任有加分",
        required: "选填",
        example: "章丘区",
        default: "无",
    },
    Spec {
        col: Col::Unavailable,
        header: "不可下沉月份",
        meaning: "不能集中下沉的月份，写作 2027-05、2027年5月 或 2027/5，多个用顿号分隔",
        required: "选填",
        example: "2027-05、2028年10月",
        default: "无",
    },
    Spec {
        col: Col::Years,
        header: "参加年度",
        meaning: "参加的计划年度：1、2 或 1、2",
        required: "选填",
        example: "1、2",
        default: "两年都参加",
    },
    Spec {
        col: Col::Mode,
        header: "工作方式",
        meaning: "集中（整月）、每周（每周固定一天）、混合（整月加每周一天）；也可写 blocks、weekly、mixed",
        required: "选填",
        example: "集中",
        default: "按级别：省级、市级集中；县级每周；高校、企业混合",
    },
    Spec {
        col: Col::From,
        header: "到岗日期",
        meaning: "计划期内到岗的第一天（年中加入时填写），YYYY-MM-DD",
        required: "选填",
        example: "2027-07-01",
        default: "计划开始即在岗",
    },
    Spec {
        col: Col::Until,
        header: "离岗日期",
        meaning: "离岗之日（当天起不再在岗），YYYY-MM-DD",
        required: "选填",
        example: "2028-09-01",
        default: "计划结束前一直在岗",
    },
    Spec {
        col: Col::Gender,
        header: "性别",
        meaning: "性别（男、女），照录到工作组名单，不参与安排",
        required: "选填",
        example: "男",
        default: "空",
    },
    Spec {
        col: Col::Title,
        header: "职务",
        meaning: "在派出单位的职务，与单位合写为名单的“单位及职务”，不参与安排",
        required: "选填",
        example: "副书记",
        default: "空",
    },
    Spec {
        col: Col::Phone,
        header: "联系电话",
        meaning: "联系电话，照录到工作组名单，不参与安排",
        required: "选填",
        example: "13800000000",
        default: "空",
    },
    Spec {
        col: Col::Note,
        header: "备注",
        meaning: "备注，照录到工作组名单，不参与安排",
        required: "选填",
        example: "兼任联络员",
        default: "空",
    },
];

/// Columns the header row must have.
pub(crate) const REQUIRED: [Col; 4] = [Col::Id, Col::Name, Col::Level, Col::Unit];

impl Col {
    /// The column's header.
    pub(crate) fn header(self) -> &'static str {
        COLUMNS.iter().find(|s| s.col == self).map_or("", |s| s.header)
    }

    /// The column whose header is `text` (spaces and required-marks `*` ignored).
    pub(crate) fn from_header(text: &str) -> Option<Col> {
        let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊').collect();
        COLUMNS.iter().find(|s| s.header == t).map(|s| s.col)
    }
}

/// The spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn letter(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(6), "G");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }

    #[test]
    fn headers_are_found() {
        assert_eq!(Col::from_header(" 所在县区 "), Some(Col::County));
        assert_eq!(Col::from_header("*姓名"), Some(Col::Name));
        assert_eq!(Col::from_header("序号"), None);
        assert_eq!(Col::from_header("备注"), Some(Col::Note));
        for s in &COLUMNS {
            assert_eq!(Col::from_header(s.header), Some(s.col));
            assert_eq!(s.col.header(), s.header);
        }
    }
}
