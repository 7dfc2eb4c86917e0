//! Accounts, sessions and logins: who is asking.
//!
//! Passwords are hashed with Argon2id (PHC strings, a salt each); a session is a random
//! 256-bit token in an HttpOnly, SameSite=Strict cookie, stored only as its BLAKE2b hash,
//! with a CSRF token every state change must carry in `X-CSRF-Token`. Logins are rate
//! limited per account and per address, and a wrong password never says whether the account
//! exists. With `--single-user` there are no accounts: the one planner at this desk may do
//! everything (the service then listens on the loopback address only).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use blake2::{Blake2b, Digest};
use rand::RngCore as _;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::ApiError;
use crate::store::{now, Store, StoreError};
use crate::upload::Upload;
use crate::App;
use sanlian_model::Msg;

/// The session cookie's name.
pub const COOKIE: &str = "sanlian_session";
/// The header a state change carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Shortest password accepted, in characters.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted, in bytes (Argon2 work is bounded by it).
pub const MAX_PASSWORD: usize = 256;
/// Failed logins of one account within [`LOGIN_WINDOW`] before it is refused for the rest of it.
pub const LOGIN_FAILURES_PER_ACCOUNT: usize = 5;
/// Failed logins from one address within [`LOGIN_WINDOW`] before it is refused.
pub const LOGIN_FAILURES_PER_ADDRESS: usize = 20;
/// The window of the login rate limit.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// What a user may do, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 团省委 administrator: everything, the allocation and the audit log included.
    Admin,
    /// 团省委 reviewer: reads everything, approves or returns the cities' plans.
    Reviewer,
    /// 团市委 planner: plans its own city's sub-instance and submits it.
    Planner,
    /// 团市委 viewer: reads its own city's plans.
    Viewer,
    /// County viewer (县委组织部): the round's state and its county's letters, nothing personal beyond them.
    County,
}

impl Role {
    /// Every role, in the order of the authorisation matrix.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Reviewer, Role::Planner, Role::Viewer, Role::County];

    /// The role's name as stored and typed (`admin`, `reviewer`, `planner`, `viewer`, `county`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Planner => "planner",
            Role::Viewer => "viewer",
            Role::County => "county",
        }
    }

    /// The role named `name`.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// A province role: its scope is the whole province.
    pub fn is_province(self) -> bool {
        matches!(self, Role::Admin | Role::Reviewer)
    }
}

/// A user account (never its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The city of a city or county role (its code).
    pub city: Option<String>,
    /// The county of a county viewer (its code).
    pub county: Option<String>,
}

/// Who is asking: the planner at a single desk, or a logged-in user with its session.
#[derive(Debug, Clone)]
pub enum Who {
    /// `--single-user`: no accounts, every right.
    Single,
    /// A user and the CSRF token of its session.
    User(User, String),
}

impl Who {
    /// The name written into the audit log and on plans.
    pub fn name(&self) -> &str {
        match self {
            Who::Single => "single-user",
            Who::User(u, _) => &u.name,
        }
    }

    /// The user, unless single-user.
    pub fn user(&self) -> Option<&User> {
        match self {
            Who::Single => None,
            Who::User(u, _) => Some(u),
        }
    }
}

/// Why an account cannot be made or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad input, for people.
    #[error("{0}")]
    Invalid(String),
}

/// Hash `password` with Argon2id (default parameters: 19 MiB, 2 passes) and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| AccountError::Invalid(format!("cannot salt the password: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Invalid(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A password's problem, if it has one: at least [`MIN_PASSWORD`] characters, at most
/// [`MAX_PASSWORD`] bytes, no control characters.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD {
        Some(format!("the password has {chars} characters; it needs at least {MIN_PASSWORD}"))
    } else if password.len() > MAX_PASSWORD {
        Some(format!("the password is longer than {MAX_PASSWORD} bytes"))
    } else if password.chars().any(char::is_control) {
        Some("the password contains a control character".into())
    } else {
        None
    }
}

/// A login name's problem, if it has one: 1–60 letters, digits, `.`, `_`, `-` or Chinese characters.
pub fn name_problem(name: &str) -> Option<String> {
    let n = name.chars().count();
    if n == 0 || n > 60 {
        return Some(format!("the user name {name:?} must have 1 to 60 characters"));
    }
    let ok = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    (!name.chars().all(ok)).then(|| format!("the user name {name:?} may hold only letters, digits, '.', '_' and '-'"))
}

/// 32 random bytes (the thread's CSPRNG, seeded by the OS), hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a session token: its BLAKE2b-256 hash, hex (a stolen database holds no usable session).
fn token_hash(token: &str) -> String {
    let digest = Blake2b::<blake2::digest::consts::U32>::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<(User, String, bool)> {
    let role: String = r.get(3)?;
    let role = Role::parse(&role).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, format!("unknown role {role}").into())
    })?;
    Ok((User { id: r.get(0)?, name: r.get(1)?, role, city: r.get(4)?, county: r.get(5)? }, r.get(2)?, r.get(6)?))
}

const USER_COLUMNS: &str = "id, name, hash, role, city, county, disabled";

impl Store {
    /// Add a user; its role's scope must be complete (a city for a city role, a city and a
    /// county for a county viewer, none for a province role).
    pub fn add_user(
        &self,
        name: &str,
        password: &str,
        role: Role,
        city: Option<&str>,
        county: Option<&str>,
    ) -> Result<i64, AccountError> {
        if let Some(p) = name_problem(name) {
            return Err(AccountError::Invalid(p));
        }
        if let Some(p) = password_problem(password) {
            return Err(AccountError::Invalid(p));
        }
        let scope_ok = match role {
            Role::Admin | Role::Reviewer => city.is_none() && county.is_none(),
            Role::Planner | Role::Viewer => city.is_some() && county.is_none(),
            Role::County => city.is_some() && county.is_some(),
        };
        if !scope_ok {
            return Err(AccountError::Invalid(format!(
                "role {}: {}",
                role.as_str(),
                match role {
                    Role::Admin | Role::Reviewer => "a province role takes neither --city nor --county",
                    Role::Planner | Role::Viewer => "a city role needs --city CODE and no --county",
                    Role::County => "a county viewer needs --city CODE and --county CODE",
                }
            )));
        }
        for code in [city, county].into_iter().flatten() {
            if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
                return Err(AccountError::Invalid(format!("{code:?} is not a 6-digit division code")));
            }
        }
        let hash = hash_password(password)?;
        let exists = self.with(|c| c.prepare("SELECT 1 FROM users WHERE name = ?1")?.exists([name]))?;
        if exists {
            return Err(AccountError::Invalid(format!("there is already a user {name:?}")));
        }
        Ok(self.transaction(|tx| {
            tx.execute(
                "INSERT INTO users (name, hash, role, city, county, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![name, hash, role.as_str(), city, county, now()],
            )?;
            let id = tx.last_insert_rowid();
            audit(tx, "cli", "user add", &format!("user {name} ({})", role.as_str()), 201)?;
            Ok(id)
        })?)
    }

    /// Set a user's password; every session of the user ends.
    pub fn set_password(&self, name: &str, password: &str, by: &str) -> Result<(), AccountError> {
        if let Some(p) = password_problem(password) {
            return Err(AccountError::Invalid(p));
        }
        let hash = hash_password(password)?;
        let changed = self.transaction(|tx| {
            let n = tx.execute("UPDATE users SET hash = ?2 WHERE name = ?1", params![name, hash])?;
            if n == 1 {
                tx.execute("DELETE FROM sessions WHERE user = (SELECT id FROM users WHERE name = ?1)", [name])?;
                audit(tx, by, "user passwd", &format!("user {name}"), 200)?;
            }
            Ok(n == 1)
        })?;
        changed.then_some(()).ok_or_else(|| AccountError::Invalid(format!("there is no user {name:?}")))
    }

    /// Disable a user (or enable it again); a disabled user's sessions end and it cannot log in.
    pub fn set_disabled(&self, name: &str, disabled: bool, by: &str) -> Result<(), AccountError> {
        let changed = self.transaction(|tx| {
            let n = tx.execute("UPDATE users SET disabled = ?2 WHERE name = ?1", params![name, disabled])?;
            if n == 1 {
                tx.execute("DELETE FROM sessions WHERE user = (SELECT id FROM users WHERE name = ?1)", [name])?;
                let action = if disabled { "user disable" } else { "user enable" };
                audit(tx, by, action, &format!("user {name}"), 200)?;
            }
            Ok(n == 1)
        })?;
        changed.then_some(()).ok_or_else(|| AccountError::Invalid(format!("there is no user {name:?}")))
    }

    /// Every user, with whether it is disabled.
    pub fn users(&self) -> Result<Vec<(User, bool)>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
            let rows = st.query_map([], |r| user_row(r).map(|(u, _, d)| (u, d)))?.collect();
            rows
        })
    }

    /// The user named `name` with its hash, if it exists and is enabled.
    fn login_user(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        self.with(|c| {
            c.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"), [name], user_row)
                .optional()
                .map(|row| row.and_then(|(u, h, disabled)| (!disabled).then_some((u, h))))
        })
    }

    /// Start a session for `user` lasting `hours`, ending `replaced` (the cookie the client
    /// came with, so that a planted session id never survives a login); (token, CSRF token).
    fn start_session(&self, user: &User, hours: u64, replaced: Option<&str>) -> Result<(String, String), StoreError> {
        let (token, csrf) = (random_token(), random_token());
        let expires = (chrono::Utc::now() + chrono::Duration::hours(hours as i64)).format("%Y-%m-%dT%H:%M:%SZ");
        self.transaction(|tx| {
            if let Some(old) = replaced {
                tx.execute("DELETE FROM sessions WHERE token = ?1", [token_hash(old)])?;
            }
            tx.execute("DELETE FROM sessions WHERE expires <= ?1", [now()])?;
            tx.execute(
                "INSERT INTO sessions (token, user, csrf, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash(&token), user.id, csrf, now(), expires.to_string()],
            )?;
            audit(tx, &user.name, "login", &format!("user {}", user.name), 200)?;
            Ok(())
        })?;
        Ok((token, csrf))
    }

    /// The user and CSRF token of a live session of an enabled user.
    pub fn session(&self, token: &str) -> Result<Option<(User, String)>, StoreError> {
        self.with(|c| {
            c.query_row(
                "SELECT u.id, u.name, u.hash, u.role, u.city, u.county, u.disabled, s.csrf
                 FROM sessions s JOIN users u ON u.id = s.user
                 WHERE s.token = ?1 AND s.expires > ?2 AND u.disabled = 0",
                params![token_hash(token), now()],
                |r| Ok((user_row(r)?.0, r.get::<_, String>(7)?)),
            )
            .optional()
        })
    }

    /// End one session.
    fn end_session(&self, token: &str, user: &str) -> Result<(), StoreError> {
        self.transaction(|tx| {
            tx.execute("DELETE FROM sessions WHERE token = ?1", [token_hash(token)])?;
            audit(tx, user, "logout", &format!("user {user}"), 200)?;
            Ok(())
        })
    }

    /// Record a change in the audit log.
    pub fn audit(&self, user: &str, action: &str, subject: &str, status: u16) -> Result<(), StoreError> {
        self.transaction(|tx| audit(tx, user, action, subject, status))
    }

    /// The audit log, newest first, at most `limit` entries before id `before`.
    pub fn audit_log(&self, before: Option<i64>, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, at, user, action, subject, status FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = st
                .query_map(params![before.unwrap_or(i64::MAX), limit as i64], |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        user: r.get(2)?,
                        action: r.get(3)?,
                        subject: r.get(4)?,
                        status: r.get(5)?,
                    })
                })?
                .collect();
            rows
        })
    }
}

/// Write one audit entry inside a transaction.
pub(crate) fn audit(
    tx: &rusqlite::Transaction,
    user: &str,
    action: &str,
    subject: &str,
    status: u16,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit (at, user, action, subject, status) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now(), user, action, subject, status],
    )?;
    Ok(())
}

/// One change, as the audit log keeps it (never a password, a token or a request body).
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Id, increasing.
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// Who: a user name, `single-user` or `cli`.
    pub user: String,
    /// What: `POST /api/rounds/{id}/cities/{city}/submit`, `login`, `user add` …
    pub action: String,
    /// On what: the path with its ids, or the user.
    pub subject: String,
    /// The answer's status.
    pub status: u16,
}

/// The session token a request's cookies carry.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Who a request comes from: single-user, a live session, or nobody.
pub fn who(app: &App, headers: &HeaderMap) -> Result<Option<Who>, StoreError> {
    if app.config.single_user {
        return Ok(Some(Who::Single));
    }
    let Some(token) = cookie_token(headers) else { return Ok(None) };
    Ok(app.store.session(&token)?.map(|(u, csrf)| Who::User(u, csrf)))
}

/// Failed logins per account and per address, within the window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: std::sync::Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    fn keys(name: &str, addr: Option<IpAddr>) -> [(String, usize); 2] {
        [
            (format!("user:{name}"), LOGIN_FAILURES_PER_ACCOUNT),
            (format!("addr:{}", addr.map_or_else(|| "?".into(), |a| a.to_string())), LOGIN_FAILURES_PER_ADDRESS),
        ]
    }

    /// Seconds to wait before the next try, when the account or the address has failed too often.
    pub fn blocked(&self, name: &str, addr: Option<IpAddr>) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        Self::keys(name, addr).into_iter().find_map(|(key, most)| {
            // Only keys that failed before are kept: a check adds none.
            let list = map.get_mut(&key)?;
            list.retain(|t| now.duration_since(*t) < LOGIN_WINDOW);
            (list.len() >= most).then(|| (LOGIN_WINDOW - now.duration_since(list[0])).as_secs().max(1))
        })
    }

    /// Count a failure.
    pub fn failed(&self, name: &str, addr: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // A flood of names: forget the old, keep memory bounded.
            let now = Instant::now();
            map.retain(|_, l| l.last().is_some_and(|t| now.duration_since(*t) < LOGIN_WINDOW));
        }
        for (key, _) in Self::keys(name, addr) {
            map.entry(key).or_default().push(Instant::now());
        }
    }

    /// Forget the account's failures after a successful login.
    pub fn succeeded(&self, name: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&format!("user:{name}"));
    }
}

/// A PHC hash of nothing anyone knows, verified against when the user does not exist, so that
/// a wrong name takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

fn session_cookie(token: &str, hours: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        hours * 3600
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("sanlian_session=; Max-Age=0"))
}

fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("sanlian_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    name: String,
    password: String,
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::json(what, &e))
}

/// `POST /api/auth/login {"name", "password"}`: a new session in a cookie, and its CSRF token.
pub(crate) async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    upload: Upload,
) -> Result<Response, ApiError> {
    if app.config.single_user {
        return Err(ApiError::new(StatusCode::CONFLICT, "single_user", Msg::new("api.single_user")));
    }
    let req: Login = body(&upload, "login")?;
    if req.name.len() > 240 || req.password.len() > MAX_PASSWORD {
        return Err(wrong_login());
    }
    let addr = Some(peer.ip());
    if let Some(wait) = app.logins.blocked(&req.name, addr) {
        app.count_refusal(crate::routes::Refusal::RateLimited);
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_logins",
            Msg::new("api.too_many_logins").arg("seconds", wait),
        );
        e.retry_after = Some(wait.min(u32::MAX as u64) as u32);
        return Err(e);
    }
    let app2 = app.clone();
    let name = req.name.clone();
    let found = crate::api::blocking(&app, move || {
        let found = app2.store.login_user(&name).map_err(|e| ApiError::store("cannot read the users", &e))?;
        let (hash, user) = match &found {
            Some((u, h)) => (h.as_str(), Some(u.clone())),
            None => (decoy_hash(), None),
        };
        Ok(verify_password(hash, &req.password).then_some(user).flatten())
    })
    .await?;
    let Some(user) = found else {
        app.logins.failed(&req.name, addr);
        app.count_refusal(crate::routes::Refusal::WrongLogin);
        return Err(wrong_login());
    };
    app.logins.succeeded(&user.name);
    let hours = app.config.session_hours;
    let (token, csrf) = app
        .store
        .start_session(&user, hours, cookie_token(&headers).as_deref())
        .map_err(|e| ApiError::store("cannot start the session", &e))?;
    let mut response = Json(json!({ "user": user, "csrf": csrf })).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, hours, app.config.secure_cookies));
    Ok(response)
}

fn wrong_login() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "wrong_login", Msg::new("api.wrong_login"))
}

/// `POST /api/auth/logout`: the session ends; its cookie is cleared.
pub(crate) async fn logout(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Who>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let (Some(token), Who::User(u, _)) = (cookie_token(&headers), &who) {
        app.store.end_session(&token, &u.name).map_err(|e| ApiError::store("cannot end the session", &e))?;
    }
    let mut response = Json(json!({ "logged_out": true })).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cleared_cookie());
    Ok(response)
}

/// `GET /api/auth/me`: who this is, its scope and the CSRF token of its session.
pub(crate) async fn me(State(app): State<Arc<App>>, Extension(who): Extension<Who>) -> Json<serde_json::Value> {
    Json(match &who {
        Who::Single => json!({ "single_user": true, "user": null, "csrf": null }),
        Who::User(u, csrf) => {
            json!({ "single_user": false, "user": u, "csrf": csrf, "session_hours": app.config.session_hours })
        }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordChange {
    old: String,
    new: String,
}

/// `POST /api/auth/password {"old", "new"}`: every session of the user ends, this one
/// is replaced by a new one.
pub(crate) async fn password(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Who>,
    upload: Upload,
) -> Result<Response, ApiError> {
    let Who::User(user, _) = who else {
        return Err(ApiError::new(StatusCode::CONFLICT, "single_user", Msg::new("api.single_user")));
    };
    let req: PasswordChange = body(&upload, "password change")?;
    if let Some(problem) = password_problem(&req.new) {
        return Err(ApiError::bad_request("bad_password", Msg::new("api.bad_password").arg("why", problem)).at("new"));
    }
    if req.old.len() > MAX_PASSWORD {
        return Err(wrong_login());
    }
    let app2 = app.clone();
    let name = user.name.clone();
    let hours = app.config.session_hours;
    let (token, csrf) = crate::api::blocking(&app, move || {
        let (_, hash) = app2
            .store
            .login_user(&name)
            .map_err(|e| ApiError::store("cannot read the users", &e))?
            .ok_or_else(wrong_login)?;
        if !verify_password(&hash, &req.old) {
            return Err(wrong_login());
        }
        app2.store.set_password(&name, &req.new, &name).map_err(|e| match e {
            AccountError::Store(e) => ApiError::store("cannot change the password", &e),
            AccountError::Invalid(why) => {
                ApiError::bad_request("bad_password", Msg::new("api.bad_password").arg("why", why))
            }
        })?;
        app2.store.start_session(&user, hours, None).map_err(|e| ApiError::store("cannot start the session", &e))
    })
    .await?;
    let mut response = Json(json!({ "changed": true, "csrf": csrf })).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, hours, app.config.secure_cookies));
    Ok(response)
}
