//! Authorisation in one place: every route of the service is one row of [`routes`] — method,
//! path, the [`Action`] it needs, whether it changes state, and its handler — and the router
//! is built from that table only, each handler behind [`gate`]. The authorisation-matrix test
//! reads the same table, so no endpoint can escape it.
//!
//! The gate, before any handler runs: who is asking (single-user, a live session, or nobody:
//! 401); a state change with a session must carry its CSRF token (403); the resource the path
//! names is looked up and its owner found (the province, or a city); a resource outside the
//! user's scope answers 404 exactly as a missing one does, so ids cannot be probed; a role
//! that may not do the action answers 403. After a state change that succeeded it writes one
//! audit entry; refusals are only counted.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{RawPathParams, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put, MethodRouter};
use axum::RequestExt as _;
use sanlian_model::Msg;

use crate::auth::{Role, User, Who, CSRF_HEADER};
use crate::error::ApiError;
use crate::App;

/// What a route needs, and on what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Anyone, logged in or not (the page, its assets, health, the API document).
    Public,
    /// Anyone: logging in.
    Login,
    /// Any logged-in user (lists answer only what the user's scope covers).
    Session,
    /// A province role: read across the province (the merged plan).
    ProvinceRead,
    /// The province admin: load instances, start rounds, change an allocation.
    ProvinceWrite,
    /// The province admin: the audit log.
    Audit,
    /// Read instance `{id}` (its roster: personal data).
    InstanceRead,
    /// Change instance `{id}`, or solve it.
    InstanceWrite,
    /// Read plan `{id}`.
    PlanRead,
    /// Plans `{a}` and `{b}`, read together.
    PlanPairRead,
    /// Change plan `{id}` or re-plan from it.
    PlanWrite,
    /// Read job `{id}`.
    JobRead,
    /// Stop or cancel job `{id}`.
    JobWrite,
    /// Round `{id}`: its state (each user sees the cities its scope covers).
    RoundRead,
    /// City `{city}` of round `{id}`: its state and history (nothing personal).
    CityRead,
    /// City `{city}` of round `{id}`: its plan and its diffs (personal data).
    CityPlanRead,
    /// City `{city}` of round `{id}`: its letters and 报到 lists (a county viewer gets its own county's only).
    CityLetters,
    /// Submit city `{city}`'s plan in round `{id}`: its planner.
    CitySubmit,
    /// Approve or return city `{city}`'s plan: a province reviewer or admin.
    CityReview,
    /// Record that city `{city}` sent its letters: its planner or the admin.
    CityNotify,
}

/// Who owns a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The province (a province instance and its plans, a round as a whole).
    Province,
    /// A city committee (a city's sub-instance, its plans, its part of a round).
    City(String),
}

/// The gate's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go on to the handler.
    Allow,
    /// 403: in scope, but the role may not.
    Forbidden,
    /// 404: out of scope, answered as if it did not exist.
    Hidden,
}

impl Action {
    /// Whether the action touches personal data of the resource's owner (names, phones).
    fn personal(self) -> bool {
        !matches!(self, Action::CityRead | Action::CityLetters | Action::RoundRead)
    }

    /// The roles that may do the action on a resource in their scope.
    fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::Public | Action::Login | Action::Session | Action::RoundRead | Action::CityRead => &Role::ALL,
            Action::CityLetters => &Role::ALL,
            Action::ProvinceRead => &[Admin, Reviewer],
            Action::ProvinceWrite | Action::Audit => &[Admin],
            Action::InstanceRead | Action::PlanRead | Action::PlanPairRead | Action::JobRead | Action::CityPlanRead => {
                &[Admin, Reviewer, Planner, Viewer]
            }
            Action::InstanceWrite | Action::PlanWrite | Action::JobWrite => &[Admin, Planner],
            Action::CitySubmit => &[Planner],
            Action::CityReview => &[Admin, Reviewer],
            Action::CityNotify => &[Admin, Planner],
        }
    }
}

/// Whether `user`'s scope covers a resource of `owner` for an action (`personal`: one that
/// shows names and phones).
pub fn covers(user: &User, owner: &Owner, personal: bool) -> bool {
    match (user.role, owner) {
        (r, _) if r.is_province() => true,
        (Role::Planner | Role::Viewer, Owner::City(c)) => user.city.as_deref() == Some(c.as_str()),
        (Role::County, Owner::City(c)) => !personal && user.city.as_deref() == Some(c.as_str()),
        _ => false,
    }
}

/// May `user` do `action` on a resource of `owner` (`None`: an action on no resource)?
pub fn decide(user: &User, action: Action, owner: Option<&Owner>) -> Decision {
    if let Some(owner) = owner {
        if !covers(user, owner, action.personal()) {
            return Decision::Hidden;
        }
    }
    if action.roles().contains(&user.role) {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// Why a request was refused, counted (not logged) per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No session.
    Unauthenticated,
    /// A state change without its CSRF token.
    Csrf,
    /// The role may not.
    Forbidden,
    /// Out of scope.
    Hidden,
    /// A wrong name or password.
    WrongLogin,
    /// Too many failed logins.
    RateLimited,
}

impl Refusal {
    /// Every kind, in counter order.
    pub const ALL: [Refusal; 6] = [
        Refusal::Unauthenticated,
        Refusal::Csrf,
        Refusal::Forbidden,
        Refusal::Hidden,
        Refusal::WrongLogin,
        Refusal::RateLimited,
    ];

    /// The counter's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Unauthenticated => "unauthenticated",
            Refusal::Csrf => "csrf",
            Refusal::Forbidden => "forbidden",
            Refusal::Hidden => "hidden",
            Refusal::WrongLogin => "wrong_login",
            Refusal::RateLimited => "rate_limited",
        }
    }
}

/// One row of the route table.
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path as axum writes it (`/api/plans/{id}`).
    pub path: &'static str,
    /// What it needs.
    pub action: Action,
    /// Whether a success changes stored state (and is written into the audit log).
    pub changes: bool,
    handler: MethodRouter<Arc<App>>,
}

/// What the route table says of a route, without its handler (for tests and documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    /// The method.
    pub method: Method,
    /// The path.
    pub path: &'static str,
    /// What it needs.
    pub action: Action,
    /// Whether it changes state.
    pub changes: bool,
}

fn r(method: Method, path: &'static str, action: Action, changes: bool, handler: MethodRouter<Arc<App>>) -> Route {
    Route { method, path, action, changes, handler }
}

/// A plan's document, as a GET handler.
fn plan_file(kind: crate::api::Document) -> MethodRouter<Arc<App>> {
    get(
        move |State(app): State<Arc<App>>,
              axum::extract::Path(raw): axum::extract::Path<String>,
              crate::api::Query(q): crate::api::Query<crate::api::CityQuery>| {
            crate::api::plan_document(app, raw, q, kind)
        },
    )
}

/// A round city's document, as a GET handler.
fn city_file(kind: crate::rounds::CityDocument) -> MethodRouter<Arc<App>> {
    get(
        move |State(app): State<Arc<App>>,
              axum::Extension(who): axum::Extension<Who>,
              axum::extract::Path(path): axum::extract::Path<(String, String)>| {
            crate::rounds::document(app, who, path, kind)
        },
    )
}

/// A review move on a round city, as a POST handler.
fn city_move(mv: crate::rounds::Move) -> MethodRouter<Arc<App>> {
    post(
        move |State(app): State<Arc<App>>,
              axum::Extension(who): axum::Extension<Who>,
              axum::extract::Path(path): axum::extract::Path<(String, String)>,
              upload: crate::upload::Upload| crate::rounds::review(app, who, path, upload, mv),
    )
}

/// Every route of the service.
pub fn routes() -> Vec<Route> {
    use crate::api::Document;
    use crate::rounds::CityDocument::{self, Other};
    use crate::rounds::Move;
    use crate::{api::*, auth, rounds};
    use Action::*;
    use Method as M;
    vec![
        r(M::GET, "/", Public, false, get(index)),
        r(M::GET, "/assets/app.js", Public, false, get(app_js)),
        r(M::GET, "/assets/app.css", Public, false, get(app_css)),
        r(M::GET, "/api/health", Public, false, get(health)),
        r(M::GET, "/api/openapi.json", Public, false, get(openapi)),
        r(M::POST, "/api/auth/login", Login, false, post(auth::login)),
        r(M::POST, "/api/auth/logout", Session, false, post(auth::logout)),
        r(M::GET, "/api/auth/me", Session, false, get(auth::me)),
        r(M::POST, "/api/auth/password", Session, false, post(auth::password)),
        r(M::GET, "/api/audit", Audit, false, get(rounds::audit_log)),
        r(M::GET, "/api/fixtures", Session, false, get(fixtures)),
        r(M::POST, "/api/fixtures/{name}", ProvinceWrite, true, post(load_fixture)),
        r(M::GET, "/api/instances", Session, false, get(instances)),
        r(M::POST, "/api/instances", ProvinceWrite, true, post(upload_instance)),
        r(M::GET, "/api/instances/{id}", InstanceRead, false, get(instance)),
        r(M::PATCH, "/api/instances/{id}", InstanceWrite, true, patch(relabel_instance)),
        r(M::DELETE, "/api/instances/{id}", InstanceWrite, true, delete(delete_instance)),
        r(M::GET, "/api/instances/{id}/summary", InstanceRead, false, get(instance_summary)),
        r(M::GET, "/api/instances/{id}/counties.geojson", InstanceRead, false, get(counties_geojson)),
        r(M::POST, "/api/instances/{id}/roster", InstanceWrite, true, post(upload_roster)),
        r(M::GET, "/api/instances/{id}/roster.xlsx", InstanceRead, false, get(roster_xlsx)),
        r(M::GET, "/api/instances/{id}/roster.csv", InstanceRead, false, get(roster_csv)),
        r(M::GET, "/api/instances/{id}/template.xlsx", InstanceRead, false, get(template_xlsx)),
        r(M::POST, "/api/instances/{id}/solve", InstanceWrite, true, post(solve)),
        r(M::POST, "/api/instances/{id}/plans", InstanceWrite, true, post(upload_plan)),
        r(M::POST, "/api/instances/{id}/scenarios", InstanceWrite, true, post(scenarios)),
        r(M::POST, "/api/instances/{id}/tradeoffs", InstanceWrite, true, post(tradeoffs)),
        r(M::GET, "/api/jobs/{id}", JobRead, false, get(job)),
        r(M::DELETE, "/api/jobs/{id}", JobWrite, true, delete(cancel_job)),
        r(M::GET, "/api/jobs/{id}/events", JobRead, false, get(job_events)),
        r(M::POST, "/api/jobs/{id}/stop", JobWrite, true, post(stop_job)),
        r(M::GET, "/api/plans", Session, false, get(plans)),
        r(M::GET, "/api/plans/{id}", PlanRead, false, get(plan)),
        r(M::PATCH, "/api/plans/{id}", PlanWrite, true, patch(relabel_plan)),
        r(M::DELETE, "/api/plans/{id}", PlanWrite, true, delete(delete_plan)),
        r(M::GET, "/api/plans/{id}/summary", PlanRead, false, get(plan_summary)),
        r(M::GET, "/api/plans/{a}/diff/{b}", PlanPairRead, false, get(plan_diff)),
        r(M::GET, "/api/plans/{a}/diff/{b}/diff.xlsx", PlanPairRead, false, get(plan_diff_xlsx)),
        r(M::GET, "/api/plans/{id}/check", PlanRead, false, get(check)),
        r(M::GET, "/api/plans/{id}/explain", PlanRead, false, get(explain)),
        r(M::GET, "/api/plans/{id}/view", PlanRead, false, get(view)),
        r(M::POST, "/api/plans/{id}/reassign", PlanWrite, true, post(reassign)),
        r(M::POST, "/api/plans/{id}/edit", PlanRead, false, post(edit)),
        r(M::GET, "/api/plans/{id}/alternatives", PlanRead, false, get(alternatives)),
        r(M::POST, "/api/plans/{id}/edit/repair", PlanWrite, true, post(edit_repair)),
        r(M::POST, "/api/plans/{id}/edit/workbook", PlanRead, false, post(edit_workbook)),
        r(M::GET, "/api/plans/{id}/plan.xlsx", PlanRead, false, get(plan_xlsx)),
        r(M::GET, "/api/plans/{id}/table.csv", PlanRead, false, get(table_csv)),
        r(M::GET, "/api/plans/{id}/letters.docx", PlanRead, false, get(letters_docx)),
        r(M::GET, "/api/plans/{id}/checkin.docx", PlanRead, false, plan_file(Document::Checkin)),
        r(M::GET, "/api/plans/{id}/budget.xlsx", PlanRead, false, plan_file(Document::BudgetXlsx)),
        r(M::GET, "/api/plans/{id}/budget.docx", PlanRead, false, plan_file(Document::BudgetDocx)),
        r(M::GET, "/api/plans/{id}/map.svg", PlanRead, false, get(map_svg)),
        r(M::GET, "/api/plans/{id}/calendar.ics", PlanRead, false, get(calendar)),
        r(M::GET, "/api/rounds", Session, false, get(rounds::list)),
        r(M::POST, "/api/rounds", ProvinceWrite, true, post(rounds::create)),
        r(M::GET, "/api/rounds/{id}", RoundRead, false, get(rounds::show)),
        r(M::PUT, "/api/rounds/{id}/allocation", ProvinceWrite, true, put(rounds::reallocate)),
        r(M::GET, "/api/rounds/{id}/merged", ProvinceRead, false, get(rounds::merged)),
        r(M::GET, "/api/rounds/{id}/cities/{city}", CityRead, false, get(rounds::city)),
        r(M::GET, "/api/rounds/{id}/cities/{city}/diff", CityPlanRead, false, get(rounds::diff)),
        r(M::GET, "/api/rounds/{id}/cities/{city}/letters.docx", CityLetters, false, city_file(CityDocument::Letters)),
        r(
            M::GET,
            "/api/rounds/{id}/cities/{city}/checkin.docx",
            CityLetters,
            false,
            city_file(Other(Document::Checkin)),
        ),
        r(
            M::GET,
            "/api/rounds/{id}/cities/{city}/budget.xlsx",
            CityPlanRead,
            false,
            city_file(Other(Document::BudgetXlsx)),
        ),
        r(
            M::GET,
            "/api/rounds/{id}/cities/{city}/budget.docx",
            CityPlanRead,
            false,
            city_file(Other(Document::BudgetDocx)),
        ),
        r(M::POST, "/api/rounds/{id}/cities/{city}/submit", CitySubmit, true, post(rounds::submit)),
        r(M::POST, "/api/rounds/{id}/cities/{city}/return", CityReview, true, city_move(Move::Return)),
        r(M::POST, "/api/rounds/{id}/cities/{city}/approve", CityReview, true, city_move(Move::Approve)),
        r(M::POST, "/api/rounds/{id}/cities/{city}/notify", CityNotify, true, city_move(Move::Notify)),
    ]
}

/// The route table without handlers.
pub fn table() -> Vec<RouteSpec> {
    routes()
        .into_iter()
        .map(|r| RouteSpec { method: r.method, path: r.path, action: r.action, changes: r.changes })
        .collect()
}

/// The router: every route of [`routes`], each behind the gate with its own row.
pub fn router(app: &Arc<App>) -> axum::Router<Arc<App>> {
    let mut router = axum::Router::new();
    for route in routes() {
        let gate_state = Arc::new(Gate {
            app: app.clone(),
            action: route.action,
            changes: route.changes,
            method: route.method.clone(),
            path: route.path,
        });
        router =
            router.route(route.path, route.handler.route_layer(axum::middleware::from_fn_with_state(gate_state, gate)));
    }
    router
}

/// One route's row, as the gate needs it.
pub struct Gate {
    app: Arc<App>,
    action: Action,
    changes: bool,
    method: Method,
    path: &'static str,
}

fn refuse(app: &App, why: Refusal, error: ApiError) -> Response {
    app.count_refusal(why);
    error.into_response()
}

/// The owner of the resource a route's path names, or the error a missing one answers.
fn owner(app: &App, action: Action, params: &[(String, String)]) -> Result<Option<Owner>, ApiError> {
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    // An id that is not a number is the handler's to refuse (400), naming what it got.
    let number = |name: &str| param(name).and_then(|v| v.parse::<i64>().ok());
    let store = |e: crate::store::StoreError| ApiError::store("cannot read the store", &e);
    let city = |c: Option<String>| Some(c.map_or(Owner::Province, Owner::City));
    Ok(match action {
        Action::InstanceRead | Action::InstanceWrite => match number("id") {
            Some(id) => {
                city(app.store.instance_owner(id).map_err(store)?.ok_or_else(|| ApiError::no_such("instance", id))?)
            }
            None => None,
        },
        Action::PlanRead | Action::PlanWrite => match number("id") {
            Some(id) => city(app.store.plan_owner(id).map_err(store)?.ok_or_else(|| ApiError::no_such("plan", id))?),
            None => None,
        },
        Action::PlanPairRead => match (number("a"), number("b")) {
            (Some(a), Some(b)) => {
                let owner_a = app.store.plan_owner(a).map_err(store)?.ok_or_else(|| ApiError::no_such("plan", a))?;
                let owner_b = app.store.plan_owner(b).map_err(store)?.ok_or_else(|| ApiError::no_such("plan", b))?;
                // A pair of two owners is covered only by a province scope.
                city(if owner_a == owner_b { owner_a } else { None })
            }
            _ => None,
        },
        Action::JobRead | Action::JobWrite => match number("id") {
            Some(id) => city(app.store.job_owner(id).map_err(store)?.ok_or_else(|| ApiError::no_such("job", id))?),
            None => None,
        },
        Action::RoundRead => match number("id") {
            Some(id) if app.store.round_exists(id).map_err(store)? => None,
            Some(id) => return Err(ApiError::no_such("round", id)),
            None => None,
        },
        Action::CityRead
        | Action::CityPlanRead
        | Action::CityLetters
        | Action::CitySubmit
        | Action::CityReview
        | Action::CityNotify => match (number("id"), param("city")) {
            (Some(id), Some(code)) => {
                if !app.store.round_city_exists(id, code).map_err(store)? {
                    return Err(ApiError::no_such("round city", format!("{id}/{code}")));
                }
                Some(Owner::City(code.to_string()))
            }
            _ => None,
        },
        Action::Public
        | Action::Login
        | Action::Session
        | Action::ProvinceRead
        | Action::ProvinceWrite
        | Action::Audit => None,
    })
}

/// The gate (axum middleware on each route, with the route's row as state).
pub async fn gate(State(gate): State<Arc<Gate>>, mut request: Request, next: Next) -> Response {
    let app = &gate.app;
    // The page, its assets and the login need no one: no session lookup on their path.
    if matches!(gate.action, Action::Public | Action::Login) {
        return next.run(request).await;
    }
    let who = match crate::auth::who(app, request.headers()) {
        Ok(who) => who,
        Err(e) => return ApiError::store("cannot read the sessions", &e).into_response(),
    };
    let Some(who) = who else {
        return refuse(app, Refusal::Unauthenticated, login_required());
    };
    let write = !matches!(*request.method(), Method::GET | Method::HEAD);
    if let (true, Who::User(_, csrf)) = (write, &who) {
        let sent = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent != Some(csrf.as_str()) {
            return refuse(app, Refusal::Csrf, ApiError::new(StatusCode::FORBIDDEN, "csrf", Msg::new("api.csrf")));
        }
    }
    let params: Vec<(String, String)> = match request.extract_parts::<RawPathParams>().await {
        Ok(raw) => raw.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        Err(_) => Vec::new(),
    };
    if let Who::User(user, _) = &who {
        let owner = match owner(app, gate.action, &params) {
            Ok(owner) => owner,
            Err(e) if e.status == StatusCode::NOT_FOUND => return refuse(app, Refusal::Hidden, e),
            Err(e) => return e.into_response(),
        };
        match decide(user, gate.action, owner.as_ref()) {
            Decision::Allow => {}
            Decision::Forbidden => {
                return refuse(
                    app,
                    Refusal::Forbidden,
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        Msg::new("api.forbidden").arg("role", user.role.as_str()),
                    ),
                )
            }
            Decision::Hidden => return refuse(app, Refusal::Hidden, hidden(gate.action, &params)),
        }
    }
    let name = who.name().to_string();
    request.extensions_mut().insert(who);
    let response = next.run(request).await;
    if gate.changes && response.status().is_success() {
        let mut subject = gate.path.to_string();
        for (k, v) in &params {
            subject = subject.replace(&format!("{{{k}}}"), v);
        }
        let action = format!("{} {}", gate.method, gate.path);
        if let Err(e) = app.store.audit(&name, &action, &subject, response.status().as_u16()) {
            tracing::error!(%e, "cannot write the audit log");
        }
    }
    response
}

fn login_required() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "login_required", Msg::new("api.login_required"))
}

/// The 404 of a resource out of scope: the same as a missing one's.
fn hidden(action: Action, params: &[(String, String)]) -> ApiError {
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    match action {
        Action::InstanceRead | Action::InstanceWrite => ApiError::no_such("instance", param("id")),
        Action::PlanRead | Action::PlanWrite => ApiError::no_such("plan", param("id")),
        Action::PlanPairRead => ApiError::no_such("plan", format!("{}/{}", param("a"), param("b"))),
        Action::JobRead | Action::JobWrite => ApiError::no_such("job", param("id")),
        Action::RoundRead => ApiError::no_such("round", param("id")),
        _ => ApiError::no_such("round city", format!("{}/{}", param("id"), param("city"))),
    }
}

impl App {
    /// Count a refused request.
    pub fn count_refusal(&self, why: Refusal) {
        let i = Refusal::ALL.iter().position(|r| *r == why).unwrap_or(0);
        self.refused[i].fetch_add(1, Ordering::Relaxed);
    }

    /// The refusal counters, by kind.
    pub fn refusals(&self) -> Vec<(&'static str, u64)> {
        Refusal::ALL.iter().zip(&self.refused).map(|(r, n)| (r.as_str(), n.load(Ordering::Relaxed))).collect()
    }
}
