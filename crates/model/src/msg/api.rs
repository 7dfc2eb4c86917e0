//! Messages of the service's answers (HTTP errors).

catalog! {
    API,
    "loc.raw" => "{at}", "{at}";
    "loc.line_column" => "第 {line} 行第 {column} 列", "line {line}, column {column}";
}
