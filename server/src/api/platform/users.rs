//! Dashboard sign-in for the admin API (`/api/admin/*`) and workspace members.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{NewUser, SESSION_LIFETIME_MS, Services};
use model::ErrorBody;
use model::platform::users::{ChangeRole, CreateMember, CurrentUser, LoginRequest, Member};

use app::request::{is_https, session_token};

use crate::http::session::{ClientIp, cleared_cookie_header, session_cookie_header};
use crate::http::{ApiError, ApiJson, SignedInUser};

/// Signs a dashboard user in and sets the HttpOnly session cookie (`sb_session`). Failed
/// attempts are throttled per email and per IP.
#[utoipa::path(
    post,
    path = "/api/admin/login",
    tag = "admin",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = CurrentUser),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 403, description = "Cross-site request", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    )
)]
pub async fn login(
    State(services): State<Services>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = services
        .platform()
        .login(&request.email, &request.password, ip.as_deref())
        .await?;
    let cookie = session_cookie_header(
        &session.token,
        SESSION_LIFETIME_MS / 1_000,
        is_https(&headers),
    );
    Ok(([(SET_COOKIE, cookie)], Json(session.user)).into_response())
}

/// Ends the session and clears its cookie.
#[utoipa::path(
    post,
    path = "/api/admin/logout",
    tag = "admin",
    security(("dashboardSession" = [])),
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(
    State(services): State<Services>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        services.platform().logout(&token).await?;
    }
    Ok((StatusCode::NO_CONTENT, [cleared_cookie_header()]).into_response())
}

/// The signed-in user and their workspace roles.
#[utoipa::path(
    get,
    path = "/api/admin/me",
    tag = "admin",
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = CurrentUser),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn me(signed_in: SignedInUser) -> Json<CurrentUser> {
    Json(signed_in.user)
}

/// Adds a member to a workspace (needs `users.manage`; never as owner): a new user, or an
/// existing user (by email) who keeps their name and password.
#[utoipa::path(
    post,
    path = "/api/admin/users",
    tag = "admin",
    request_body = CreateMember,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "Created", body = CurrentUser),
        (status = 400, description = "Invalid fields (password rules, email)", body = ErrorBody),
        (status = 403, description = "Role lacks users.manage, or asked for owner", body = ErrorBody),
        (status = 409, description = "Already a member of this workspace", body = ErrorBody),
    )
)]
pub async fn create_member(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(request): ApiJson<CreateMember>,
) -> Result<(StatusCode, Json<CurrentUser>), ApiError> {
    let workspace_id =
        request
            .workspace_id
            .or_else(|| match signed_in.user.memberships.as_slice() {
                [only] => Some(only.workspace_id.clone()),
                _ => None,
            });
    let user = services
        .platform()
        .create_user(
            &signed_in.actor,
            NewUser {
                email: request.email,
                name: request.name,
                password: request.password,
                role: request.role,
                workspace_id,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// The members of a workspace with their roles, by email (needs `users.read`).
#[utoipa::path(
    get,
    path = "/api/admin/workspaces/{workspace_id}/members",
    tag = "admin",
    params(("workspace_id" = String, Path, description = "The workspace's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The members", body = [Member]),
        (status = 403, description = "Role lacks users.read", body = ErrorBody),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn members(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(workspace_id): Path<String>,
) -> Result<Json<Vec<Member>>, ApiError> {
    Ok(Json(
        services
            .platform()
            .workspace_members(&signed_in.actor, &workspace_id)
            .await?,
    ))
}

/// Gives a member another role (needs `users.manage`). Only owners grant or take away
/// ownership, and the workspace keeps at least one owner.
#[utoipa::path(
    patch,
    path = "/api/admin/workspaces/{workspace_id}/members/{user_id}",
    tag = "admin",
    params(
        ("workspace_id" = String, Path, description = "The workspace's id"),
        ("user_id" = String, Path, description = "The member's user id"),
    ),
    request_body = ChangeRole,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The member with the new role", body = Member),
        (status = 400, description = "Unknown role", body = ErrorBody),
        (status = 403, description = "Role lacks users.manage, or ownership changed by a non-owner", body = ErrorBody),
        (status = 404, description = "No such member in the user's workspace", body = ErrorBody),
        (status = 409, description = "The last owner cannot stop being one", body = ErrorBody),
    )
)]
pub async fn change_role(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path((workspace_id, user_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ChangeRole>,
) -> Result<Json<Member>, ApiError> {
    Ok(Json(
        services
            .platform()
            .change_member_role(&signed_in.actor, &workspace_id, &user_id, request.role)
            .await?,
    ))
}
