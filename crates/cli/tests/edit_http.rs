//! Edits over HTTP (issue 12, item 2): `POST /api/plans/{id}/edit` answers at once with the
//! rules an edit breaks and its deltas, storing nothing; `POST /api/plans/{id}/edit/repair`
//! queues the repair around it, which stores a new valid plan keeping the edit; bad edits get
//! a located 4xx.

mod common;

use common::server::*;
use common::*;
use serde_json::{json, Value};

/// A province cadre of the plan who does not lead, and a county other than its own.
fn movable(plan: &Value) -> (String, String) {
    let leaders: Vec<&str> = plan["groups"].as_array().unwrap().iter().filter_map(|g| g["leader"].as_str()).collect();
    let a = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["cadre"].as_str().unwrap().starts_with('P') && !leaders.contains(&a["cadre"].as_str().unwrap()))
        .unwrap();
    let here = a["county"].as_str().unwrap();
    let there = plan["groups"].as_array().unwrap().iter().map(|g| g["county"].as_str().unwrap()).find(|k| *k != here);
    (a["cadre"].as_str().unwrap().to_string(), there.unwrap().to_string())
}

#[test]
fn an_edit_is_answered_at_once_and_repaired_into_a_stored_plan() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (_, plan) = server.get_json(&format!("/api/plans/{pid}"));
    let (cadre, county) = movable(&plan);
    let edit = json!({"kind": "move", "cadre": cadre, "county": county});
    let (status, answer) = server.post(&format!("/api/plans/{pid}/edit"), edit.to_string().as_bytes());
    assert_eq!(status, 200, "{answer}");
    assert!(answer["stages"]["S1"]["delta"].as_f64().unwrap() >= -1e-6, "{answer}");
    assert!(answer["text"]["zh"].as_str().unwrap().contains("调到"), "{answer}");
    for b in answer["broken"].as_array().unwrap() {
        assert!(b["text"]["zh"].as_str().unwrap().contains('·'), "a rule by its words: {b}");
    }
    let (_, list) = server.get_json("/api/plans");
    assert_eq!(list.as_array().unwrap().len(), 1, "an edit stores nothing");

    let (status, job) = server.post(&format!("/api/plans/{pid}/edit/repair"), edit.to_string().as_bytes());
    assert_eq!(status, 202, "{job}");
    let done = server.wait(job["id"].as_i64().unwrap());
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["result"]["outcome"], "planned", "{done}");
    let new = done["result"]["plan"].as_i64().unwrap();
    let (_, repaired) = server.get_json(&format!("/api/plans/{new}"));
    let a = repaired["assignments"].as_array().unwrap().iter().find(|a| a["cadre"] == cadre.as_str()).unwrap();
    assert_eq!(a["county"], county.as_str(), "the repair keeps the edit");
    assert_eq!(repaired["locks"][0]["kind"], "county", "the edit is a lock of the new plan's instance");
    let (_, check) = server.get_json(&format!("/api/plans/{new}/check"));
    assert_eq!(check["valid"], true, "{check}");
    assert!(done["result"]["summary"]["changes"].as_array().unwrap().iter().any(|c| c["cadre"] == cadre.as_str()));
}

#[test]
fn bad_edits_get_a_located_4xx_and_nothing_is_queued() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let url = format!("/api/plans/{pid}/edit");
    let (status, v) = server.post(&url, br#"{"kind":"teleport","cadre":"P001"}"#);
    assert_error(status, &v, 400, "invalid_json");
    assert_eq!(v["error"]["location"], "line 1, column 18", "{v}");
    let (status, v) = server.post(&url, br#"{"kind":"move","cadre":"NOBODY","county":"370502"}"#);
    assert_error(status, &v, 422, "invalid_edit");
    assert!(v["error"]["text"]["zh"].as_str().unwrap().contains("NOBODY"), "{v}");
    let months: Vec<String> = (0..30).map(|i| format!("2027-{:02}", 3 + i % 10)).collect();
    let (status, v) =
        server.post(&url, json!({"kind":"months","cadre":"P001","year":2027,"months":months}).to_string().as_bytes());
    assert_error(status, &v, 422, "invalid_edit");
    // A county cadre moved out of its county cannot be kept (H2): the repair is refused at once.
    let (status, v) = server
        .post(&format!("/api/plans/{pid}/edit/repair"), br#"{"kind":"move","cadre":"K370502-1","county":"370503"}"#);
    assert_error(status, &v, 422, "invalid_input");
    assert!(v["error"]["location"].as_str().unwrap_or_default().starts_with("locks["), "{v}");
    let (status, v) = server.post("/api/plans/999/edit", br#"{"kind":"weekday","cadre":"P001","weekday":"Mon"}"#);
    assert_error(status, &v, 404, "not_found");
}

#[test]
fn alternatives_are_served_ranked_with_their_words_and_bounded() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/alternatives?cadre=P001&k=2"));
    assert_eq!(status, 200, "{v}");
    let list = v["alternatives"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    for a in list {
        assert_eq!(a["feasible"], true, "{a}");
        assert!(a["text"]["zh"].as_str().unwrap().contains("调到"), "{a}");
        assert!(a["s1_delta"].as_f64().is_some() && a["others"].as_u64().is_some(), "{a}");
    }
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/alternatives?county=370502"));
    assert_eq!(status, 200, "{v}");
    assert!(v["ruled_out"].as_array().unwrap().iter().any(|r| r[1] == "H3"), "{v}");
    for bad in ["k=0&cadre=P001", "k=11&cadre=P001", "cadre=P001&county=370502", "township=370502001", "colour=red"] {
        let (status, v) = server.get_json(&format!("/api/plans/{pid}/alternatives?{bad}"));
        assert_eq!(status, 400, "{bad}: {v}");
    }
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/alternatives?cadre=NOBODY"));
    assert_error(status, &v, 404, "not_found");
}
