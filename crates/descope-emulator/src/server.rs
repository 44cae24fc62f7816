//! The accept loop and the per-request pipeline around the axum router:
//! CORS preflight → faults → rate limit → project check → route → CORS, request log, stderr line.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::json;
use tower_service::Service;

use crate::errors::ApiError;
use crate::state::App;
use crate::{
    auth, control, cookies, cors, faults, fed, links, notp, otp, otp_update, password, reqlog,
    session, signin, static_files, tenants, totp, webauthn,
};

/// Largest request body accepted (bigger answers 413 JSON).
const MAX_BODY: usize = 1 << 20;
/// The control API takes more: a fault's canned body may be larger than the SDK's 1 MiB cap (F13)
/// (axum's own 2 MB limit of a `Bytes` body still applies to the control routes).
const MAX_CONTROL_BODY: usize = 8 << 20;

pub fn router(app: App) -> Router {
    Router::new()
        .route("/v1/auth/otp/verify/{method}", post(otp::verify))
        .route("/v1/auth/otp/update/email", post(otp_update::update_email))
        .route(
            "/v1/auth/otp/update/phone/{method}",
            post(otp_update::update_phone),
        )
        .route("/v1/auth/otp/{op}/{method}", post(otp::send))
        .route("/v1/auth/magiclink/verify", post(links::magic_verify))
        .route(
            "/v1/auth/magiclink/update/email",
            post(links::magic_update_email),
        )
        .route(
            "/v1/auth/magiclink/update/phone",
            post(links::magic_update_phone_sms),
        )
        .route(
            "/v1/auth/magiclink/update/phone/{method}",
            post(links::magic_update_phone),
        )
        .route("/v1/auth/magiclink/{op}/{method}", post(links::magic_send))
        .route(
            "/v1/auth/enchantedlink/verify",
            post(links::enchanted_verify),
        )
        .route(
            "/v1/auth/enchantedlink/pending-session",
            post(links::enchanted_poll),
        )
        .route(
            "/v1/auth/enchantedlink/update/email",
            post(links::enchanted_update_email),
        )
        .route(
            "/v1/auth/enchantedlink/update/phone/{method}",
            post(links::enchanted_update_phone),
        )
        .route(
            "/v1/auth/enchantedlink/{op}/{method}",
            post(links::enchanted_send),
        )
        .route("/v1/auth/oauth/authorize", post(fed::oauth_authorize))
        .route(
            "/v1/auth/oauth/authorize/{mode}",
            post(fed::oauth_authorize_mode),
        )
        .route("/v1/auth/oauth/exchange", post(fed::oauth_exchange))
        .route("/v1/auth/saml/authorize", post(fed::sso_authorize))
        .route("/v1/auth/sso/authorize", post(fed::sso_authorize))
        .route("/v1/auth/saml/exchange", post(fed::sso_exchange))
        .route("/v1/auth/sso/exchange", post(fed::sso_exchange))
        .route("/v1/auth/totp/signup", post(totp::signup))
        .route("/v1/auth/totp/verify", post(totp::verify))
        .route("/v1/auth/totp/update", post(totp::update))
        .route("/v1/auth/password/signup", post(password::signup))
        .route("/v1/auth/password/signin", post(password::signin))
        .route("/v1/auth/password/replace", post(password::replace))
        .route("/v1/auth/password/reset", post(password::send_reset))
        .route("/v1/auth/password/update", post(password::update))
        .route("/v1/auth/password/policy", get(password::policy))
        .route("/v1/auth/webauthn/{op}/start", post(webauthn::start))
        .route("/v1/auth/webauthn/{op}/finish", post(webauthn::finish))
        .route("/v1/auth/notp/whatsapp/{op}", post(notp::start))
        .route("/v1/auth/notp/pending-session", post(notp::poll))
        .route("/v1/auth/tenant/select", post(tenants::select))
        .route("/v1/auth/me/tenants", post(tenants::my_tenants))
        .route("/v1/auth/me/history", get(tenants::history))
        .route("/v1/auth/refresh", post(session::refresh))
        .route("/v1/auth/try-refresh", post(session::try_refresh))
        .route("/v1/auth/logout", post(session::logout))
        .route("/v1/auth/logoutall", post(session::logout_all))
        .route("/v1/auth/me", get(session::me))
        .route(
            "/v1/auth/accesskey/exchange",
            post(crate::accesskey::exchange),
        )
        .route("/v2/keys/{pid}", get(session::keys_v2))
        .route("/v1/keys/{pid}", get(session::keys_v1))
        .route("/emulator/outbox", get(control::outbox))
        .route("/emulator/totp/{login_id}", get(totp::current))
        .route("/emulator/{family}/authorize", get(fed::provider_page))
        .route("/emulator/notp/approve", get(notp::approve))
        .route("/emulator/users", post(control::create_user))
        .route("/emulator/accesskeys", post(crate::accesskey::create))
        .route("/emulator/webauthn/credentials", get(webauthn::credentials))
        .route("/emulator/faults", post(control::add_fault))
        .route(
            "/emulator/config",
            get(control::get_config).post(control::set_config),
        )
        .route("/emulator/clock", post(control::set_clock))
        .route("/emulator/requests", get(control::requests))
        .route("/emulator/reset", post(control::reset))
        .route("/emulator/keys/rotate", post(control::rotate_keys))
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "E011405",
                "Method not allowed",
            )
        })
        .fallback(|| async { ApiError::not_found("Unknown path") })
        .with_state(app)
}

/// Why a request got no answer: the connection is closed instead (fault `drop: "before"`).
#[derive(Debug)]
pub struct Dropped;
impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}
impl std::error::Error for Dropped {}

fn is_api(path: &str) -> bool {
    path.starts_with("/v1/") || path.starts_with("/v2/")
}
fn is_jwks(path: &str) -> bool {
    path.starts_with("/v1/keys/") || path.starts_with("/v2/keys/")
}

/// Handles one request end to end. `Err(Dropped)` makes hyper close the connection unanswered.
pub async fn handle(
    app: App,
    mut router: Router,
    peer: SocketAddr,
    req: Request<hyper::body::Incoming>,
) -> Result<Response, Dropped> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let method = parts.method.clone();
    let headers = parts.headers.clone();
    let api = is_api(&path);
    let control = path.starts_with("/emulator/");

    let limit = if control { MAX_CONTROL_BODY } else { MAX_BODY };
    let bytes = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => {
            let mut r = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "E011001",
                "Request body too large",
            )
            .into_response();
            cors::decorate(&headers, &mut r);
            return Ok(r);
        }
    };

    let mut fault_extra: Option<faults::Fault> = None;
    let mut resp = if method == Method::OPTIONS {
        cors::preflight(&headers)
    } else {
        let fault = if control {
            None
        } else {
            faults::take(&mut app.data.lock().faults, &path)
        };
        if let Some(f) = &fault {
            if f.delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
            }
            if f.drop == faults::DropMode::Before {
                return Err(dropped(&app, &method, &path, &parts, &bytes, api, started));
            }
        }
        match fault.as_ref().and_then(faults::Fault::answer) {
            Some(r) => r,
            None => {
                fault_extra = fault;
                pipeline(
                    &app,
                    &mut router,
                    peer,
                    &parts,
                    &path,
                    api,
                    control,
                    bytes.clone(),
                )
                .await
            }
        }
    };
    // Handled and committed; only the answer is lost (logged with no status, as it never arrives).
    let lost = fault_extra
        .as_ref()
        .is_some_and(|f| f.drop == faults::DropMode::After);
    if lost {
        resp = faults::lose_answer(resp).await;
    } else if let Some(f) = &fault_extra {
        f.add_retry_after(&mut resp);
    }
    cors::decorate(&headers, &mut resp);

    let status = (!lost).then(|| resp.status());
    if api && method != Method::OPTIONS {
        let entry = log_entry(&app, &method, &path, &parts, &bytes, status);
        app.data.lock().requests.push(entry);
    }
    log_line(&app, &method, &path, status, started);
    Ok(resp)
}

/// Logs a request whose connection a fault closes unanswered (`status: null`).
fn dropped(
    app: &App,
    method: &Method,
    path: &str,
    parts: &axum::http::request::Parts,
    bytes: &[u8],
    api: bool,
    started: Instant,
) -> Dropped {
    if api {
        let entry = log_entry(app, method, path, parts, bytes, None);
        app.data.lock().requests.push(entry);
    }
    log_line(app, method, path, None, started);
    Dropped
}

/// One request-log entry; `status` is null for a dropped connection.
fn log_entry(
    app: &App,
    method: &Method,
    path: &str,
    parts: &axum::http::request::Parts,
    bytes: &[u8],
    status: Option<StatusCode>,
) -> serde_json::Value {
    json!({
        "method": method.as_str(),
        "path": path,
        "query": reqlog::query_json(parts.uri.query()),
        "headers": reqlog::headers_json(&parts.headers),
        "body": reqlog::body_json(bytes),
        "status": status.map(|s| s.as_u16()),
        "at": app.now_ms(),
    })
}

#[allow(clippy::too_many_arguments)]
async fn pipeline(
    app: &App,
    router: &mut Router,
    peer: SocketAddr,
    parts: &axum::http::request::Parts,
    path: &str,
    api: bool,
    control: bool,
    bytes: axum::body::Bytes,
) -> Response {
    let bearer = auth::bearer(&parts.headers);
    if api {
        let project = bearer.as_ref().map(|b| b.0.clone()).unwrap_or_default();
        let limit = app.runtime.lock().rate_limit;
        if let Err(wait) = app.limiter.lock().hit(peer.ip(), &project, limit) {
            let mut r = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "E130429",
                "Rate limit exceeded",
            )
            .into_response();
            if let Ok(v) = wait.to_string().parse() {
                r.headers_mut().insert("retry-after", v);
            }
            return r;
        }
        if !is_jwks(path) && bearer.as_ref().map(|b| b.0.as_str()) != Some(app.project_id.as_str())
        {
            return ApiError::unauthorized_project().into_response();
        }
    } else if !control && parts.method == Method::GET {
        if let Some(root) = &app.serve {
            return static_files::serve(root, path).await;
        }
    }
    let mut parts = parts.clone();
    let refresh_name = app.runtime.lock().cookies.refresh_name.clone();
    if let Some(name) = refresh_name.and_then(|n| HeaderValue::from_str(&n).ok()) {
        // The configured refresh cookie name is where the refresh JWT is, unless the client names one.
        parts
            .headers
            .entry("x-descope-refresh-cookie-name")
            .or_insert(name);
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    let call = router.call(req);
    let resp = match signin::CLIENT_IP.scope(peer.ip().to_string(), call).await {
        Ok(r) => r,
        Err(e) => match e {},
    };
    if api {
        cookies::apply(app, path, resp).await
    } else {
        resp
    }
}

fn log_line(app: &App, method: &Method, path: &str, status: Option<StatusCode>, started: Instant) {
    if !app.log_requests {
        return;
    }
    // Path only: query strings may carry codes or tokens.
    let status = status.map_or_else(|| "dropped".to_string(), |s| s.as_u16().to_string());
    eprintln!(
        "{} {} {} {}ms",
        method,
        path,
        status,
        started.elapsed().as_millis()
    );
}

/// Accept loop: one hyper HTTP/1 connection task per socket.
pub async fn serve(listener: tokio::net::TcpListener, app: App) {
    let router = router(app.clone());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                handle(app.clone(), router.clone(), peer, req)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}
