//! Messages about inputs: instance and plan validation, events, rosters.

catalog! {
    INPUT,
    "noun.instance" => "实例", "instance";
    "noun.plan" => "计划", "plan";
    "noun.events" => "事件", "events";
}
