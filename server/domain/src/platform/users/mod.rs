//! Dashboard users: accounts, passwords, login sessions and the first owner.

mod sessions;
mod setup;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use model::platform::users::{
    CurrentUser, Member, Membership, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, Permission, Role,
};
use store::{MemberRecord, RoleChange, StoreError, UserRecord, UserSessionRecord};

use crate::error::FieldError;
use crate::ids::new_id;
use crate::platform::Platform;
use crate::platform::audit::AuditEvent;
use crate::platform::rate_limits::RatePolicy;
use crate::platform::secrets;
use crate::{Actor, Error, Result, Services};

/// How long a login lasts.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1_000;
pub const USER_SESSION_PREFIX: &str = "sbu_";
pub const SETUP_TOKEN_PREFIX: &str = "sbs_";
/// Failed logins allowed per email per window, and attempts per source IP.
const LOGIN_FAILURES: RatePolicy = RatePolicy::new("login-failures", 5, 15 * 60 * 1_000);
const LOGIN_ATTEMPTS_PER_IP: RatePolicy = RatePolicy::new("login-ip", 30, 15 * 60 * 1_000);

/// A user to create.
#[derive(Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    /// The first workspace when absent.
    pub workspace_id: Option<String>,
}

/// A successful login: the cookie's token (shown once) and who it is.
#[derive(Clone, Debug)]
pub struct LoginSession {
    pub token: String,
    pub expires_at: i64,
    pub user: CurrentUser,
}

impl Platform<'_> {
    pub async fn user_count(&self) -> Result<i64> {
        Ok(self.store().count_users().await?)
    }

    /// Creates a user as a member of a workspace, or adds an existing user (by email) to it,
    /// keeping their name and password. Only the operator may create owners; users with
    /// `users.manage` may add admins, agents and viewers to their workspace.
    pub async fn create_user(&self, actor: &Actor, input: NewUser) -> Result<CurrentUser> {
        let workspace_id = match &input.workspace_id {
            Some(id) => id.clone(),
            None => self.default_workspace().await?.id,
        };
        actor.require(&workspace_id, Permission::UsersManage)?;
        if input.role == Role::Owner && !matches!(actor.principal, crate::Principal::Operator) {
            return Err(Error::PermissionDenied(
                "Only the operator (CLI) or first-run setup can create owners".to_owned(),
            ));
        }
        let existing = self
            .store()
            .user_by_email(&input.email.trim().to_lowercase())
            .await?;
        if let Some(existing) = existing {
            return self
                .add_existing_member(actor, existing, &workspace_id, input.role)
                .await;
        }
        let user = self.insert_user(input, &workspace_id).await?;
        self.audit(
            actor,
            AuditEvent {
                action: "user.created",
                target_type: "user",
                target_id: Some(user.id.clone()),
                workspace_id: Some(workspace_id),
                app_id: None,
                details: Some(serde_json::json!({
                    "email": user.email,
                    "role": user.memberships.first().map(|m| m.role),
                })),
            },
        )
        .await?;
        Ok(user)
    }

    /// Adds an existing user to another workspace. The answer names only this workspace's
    /// membership: the caller learns nothing of the user's other workspaces.
    async fn add_existing_member(
        &self,
        actor: &Actor,
        user: UserRecord,
        workspace_id: &str,
        role: Role,
    ) -> Result<CurrentUser> {
        match self
            .store()
            .insert_membership(workspace_id, &user.id, role.as_str(), self.now_ms())
            .await
        {
            Err(StoreError::UniqueViolation) => return Err(Error::AlreadyExists("member")),
            Err(StoreError::ForeignKeyViolation) => return Err(Error::NotFound("workspace")),
            other => other?,
        }
        self.audit(
            actor,
            AuditEvent {
                action: "user.added",
                target_type: "user",
                target_id: Some(user.id.clone()),
                workspace_id: Some(workspace_id.to_owned()),
                app_id: None,
                details: Some(serde_json::json!({ "email": user.email, "role": role })),
            },
        )
        .await?;
        let mut current = self.current_user_of(user).await?;
        current
            .memberships
            .retain(|membership| membership.workspace_id == workspace_id);
        Ok(current)
    }

    /// The members of a workspace, by email.
    pub async fn workspace_members(
        &self,
        actor: &Actor,
        workspace_id: &str,
    ) -> Result<Vec<Member>> {
        actor.require(workspace_id, Permission::UsersRead)?;
        self.store()
            .workspace_members(workspace_id)
            .await?
            .into_iter()
            .map(member)
            .collect()
    }

    /// Gives a member of the workspace another role. Only owners grant or take away
    /// ownership, and a workspace always keeps at least one owner.
    pub async fn change_member_role(
        &self,
        actor: &Actor,
        workspace_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<Member> {
        actor.require(workspace_id, Permission::UsersManage)?;
        let before = self
            .store()
            .workspace_member(workspace_id, user_id)
            .await?
            .ok_or(Error::NotFound("member"))
            .and_then(member)?;
        let owner_involved = role == Role::Owner || before.role == Role::Owner;
        if owner_involved && !is_owner(actor, workspace_id) {
            return Err(Error::PermissionDenied(
                "Only an owner can grant or take away ownership".to_owned(),
            ));
        }
        match self
            .store()
            .set_member_role(workspace_id, user_id, role.as_str())
            .await?
        {
            RoleChange::Changed => {}
            RoleChange::NotMember => return Err(Error::NotFound("member")),
            RoleChange::LastOwner => {
                return Err(Error::Conflict(
                    "The workspace must keep at least one owner".to_owned(),
                ));
            }
        }
        self.audit(
            actor,
            AuditEvent {
                action: "user.role_changed",
                target_type: "user",
                target_id: Some(user_id.to_owned()),
                workspace_id: Some(workspace_id.to_owned()),
                app_id: None,
                details: Some(serde_json::json!({
                    "email": before.email,
                    "from": before.role,
                    "to": role,
                })),
            },
        )
        .await?;
        Ok(Member { role, ..before })
    }
}

impl Services {
    async fn insert_user(&self, input: NewUser, workspace_id: &str) -> Result<CurrentUser> {
        let email = input.email.trim().to_lowercase();
        let name = input.name.trim().to_owned();
        let mut problems = Vec::new();
        check_email(&email, &mut problems);
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(FieldError {
                field: "name".into(),
                message: "must be 1–100 characters".to_owned(),
            });
        }
        check_password(&input.password, &email, &mut problems);
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        let password_hash = hash_password(input.password).await?;
        let now = self.now_ms();
        let record = UserRecord {
            id: new_id(),
            email,
            name,
            password_hash,
            is_active: true,
            created_at: now,
            updated_at: now,
        };
        match self
            .store()
            .insert_user_with_membership(&record, workspace_id, input.role.as_str())
            .await
        {
            Err(StoreError::UniqueViolation) => return Err(Error::AlreadyExists("user")),
            Err(StoreError::ForeignKeyViolation) => return Err(Error::NotFound("workspace")),
            other => other?,
        }
        self.current_user_of(record).await
    }

    async fn current_user_of(&self, user: UserRecord) -> Result<CurrentUser> {
        let memberships = self
            .store()
            .memberships_of(&user.id)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(Membership {
                    role: Role::parse(&m.role)?,
                    workspace_id: m.workspace_id,
                    workspace_name: m.workspace_name,
                })
            })
            .collect();
        Ok(CurrentUser {
            id: user.id,
            email: user.email,
            name: user.name,
            memberships,
        })
    }
}

fn check_email(email: &str, problems: &mut Vec<FieldError>) {
    let valid = (3..=254).contains(&email.len())
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !valid {
        problems.push(FieldError {
            field: "email".into(),
            message: "must be an email address".to_owned(),
        });
    }
}

/// Length is what makes a password strong; the other rules refuse the obviously guessable.
fn check_password(password: &str, email: &str, problems: &mut Vec<FieldError>) {
    let length = password.chars().count();
    let mut reasons = Vec::new();
    if !(PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&length) {
        reasons.push(format!(
            "must be {PASSWORD_MIN_CHARS}–{PASSWORD_MAX_CHARS} characters"
        ));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if length > 0 && distinct.len() < 4 {
        reasons.push("must use at least 4 different characters".to_owned());
    }
    if !email.is_empty() && password.to_lowercase().contains(email) {
        reasons.push("must not contain the email address".to_owned());
    }
    if !reasons.is_empty() {
        problems.push(FieldError {
            field: "password".into(),
            message: reasons.join("; "),
        });
    }
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), off the async threads.
async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| Error::Internal(format!("no system randomness: {e}").into()))?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| Error::Internal(format!("salt: {e}").into()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Error::Internal(format!("password hashing: {e}").into()))
    })
    .await
    .map_err(|e| Error::Internal(Box::new(e)))?
}

fn member(record: MemberRecord) -> Result<Member> {
    let role = Role::parse(&record.role)
        .ok_or_else(|| Error::Internal(format!("unknown role {:?}", record.role).into()))?;
    Ok(Member {
        user_id: record.user_id,
        email: record.email,
        name: record.name,
        is_active: record.is_active,
        role,
        joined_at: record.joined_at,
    })
}

/// The operator, or an owner of the workspace.
pub(crate) fn is_owner(actor: &Actor, workspace_id: &str) -> bool {
    match &actor.principal {
        crate::Principal::Operator => true,
        crate::Principal::User(user) => user.role_in(workspace_id) == Some(Role::Owner),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use store::WorkspaceRecord;
    use store::testkit::dump_all_tables;

    use super::*;
    use crate::platform::apps::tests::services;

    pub(crate) fn new_user(email: &str, role: Role, workspace_id: Option<&str>) -> NewUser {
        NewUser {
            email: email.to_owned(),
            name: "Test User".to_owned(),
            password: "correct horse battery staple".to_owned(),
            role,
            workspace_id: workspace_id.map(str::to_owned),
        }
    }

    pub(crate) async fn workspace(services: &Services, id: &str) -> String {
        services
            .store()
            .insert_workspace(&WorkspaceRecord::new(
                id.to_owned(),
                format!("Workspace {id}"),
                90,
                crate::now_ms(),
            ))
            .await
            .unwrap();
        id.to_owned()
    }

    /// A user with `role` in `workspace_id`, as an actor.
    pub(crate) async fn member(
        services: &Services,
        email: &str,
        role: Role,
        workspace_id: &str,
    ) -> Actor {
        let user = services
            .platform()
            .create_user(
                &Actor::operator(),
                new_user(email, role, Some(workspace_id)),
            )
            .await
            .unwrap();
        Actor::user(user, Some("203.0.113.9".to_owned()))
    }

    #[tokio::test]
    async fn the_first_owner_is_created_once() {
        let (_db, services) = services().await;
        let owner = services
            .platform()
            .create_first_owner(new_user("Owner@Example.com", Role::Viewer, None), None)
            .await
            .unwrap();
        assert_eq!(owner.email, "owner@example.com", "emails are lowercased");
        assert_eq!(
            owner.memberships[0].role,
            Role::Owner,
            "setup always makes an owner"
        );
        let err = services
            .platform()
            .create_first_owner(new_user("second@example.com", Role::Owner, None), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    }

    #[tokio::test]
    async fn first_run_setup_needs_the_token_and_works_once() {
        let (_db, services) = services().await;
        assert!(!services.platform().setup_pending().await.unwrap());
        let token = services
            .platform()
            .prepare_first_run_setup()
            .await
            .unwrap()
            .unwrap();
        assert!(token.starts_with(SETUP_TOKEN_PREFIX));
        assert!(services.platform().setup_pending().await.unwrap());

        let err = services
            .platform()
            .complete_first_run_setup(
                "sbs_wrong",
                new_user("a@example.com", Role::Owner, None),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");
        services
            .platform()
            .complete_first_run_setup(&token, new_user("a@example.com", Role::Owner, None), None)
            .await
            .unwrap();
        assert!(!services.platform().setup_pending().await.unwrap());
        let err = services
            .platform()
            .complete_first_run_setup(&token, new_user("b@example.com", Role::Owner, None), None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::PermissionDenied(_)),
            "the token is single-use"
        );
        assert_eq!(
            services.platform().prepare_first_run_setup().await.unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn passwords_and_emails_are_checked() {
        let (_db, services) = services().await;
        for (email, password, field) in [
            ("a@example.com", "short", "password"),
            ("a@example.com", "aaaaaaaaaaaaaaaa", "password"),
            ("alice@example.com", "xx-alice@example.com-yy", "password"),
            ("not-an-email", "correct horse battery staple", "email"),
        ] {
            let mut input = new_user(email, Role::Owner, None);
            input.password = password.to_owned();
            let err = services
                .platform()
                .create_user(&Actor::operator(), input)
                .await
                .unwrap_err();
            let Error::InvalidFields(fields) = err else {
                panic!("{email}/{password}")
            };
            assert_eq!(fields[0].field, field, "{email}/{password}");
        }
    }

    #[tokio::test]
    async fn passwords_are_stored_as_argon2id_only() {
        let (db, services) = services().await;
        services
            .platform()
            .create_user(
                &Actor::operator(),
                new_user("a@example.com", Role::Owner, None),
            )
            .await
            .unwrap();
        let dump = dump_all_tables(&db.store).await;
        assert!(dump.contains("$argon2id$"));
        assert!(!dump.contains("correct horse battery staple"));
    }

    #[tokio::test]
    async fn login_opens_a_session_and_logout_ends_it() {
        let (db, services) = services().await;
        services
            .platform()
            .create_user(
                &Actor::operator(),
                new_user("a@example.com", Role::Owner, None),
            )
            .await
            .unwrap();
        let session = services
            .platform()
            .login(
                " A@example.com ",
                "correct horse battery staple",
                Some("198.51.100.1"),
            )
            .await
            .unwrap();
        assert!(session.token.starts_with(USER_SESSION_PREFIX));
        assert!(session.expires_at > crate::now_ms() + SESSION_LIFETIME_MS - 10_000);
        let user = services
            .platform()
            .user_for_session(&session.token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.email, "a@example.com");
        assert!(!dump_all_tables(&db.store).await.contains(&session.token));

        services.platform().logout(&session.token).await.unwrap();
        assert!(
            services
                .platform()
                .user_for_session(&session.token)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn wrong_passwords_and_unknown_emails_look_alike_and_are_throttled() {
        let (_db, services) = services().await;
        services
            .platform()
            .create_user(
                &Actor::operator(),
                new_user("a@example.com", Role::Owner, None),
            )
            .await
            .unwrap();
        for email in ["a@example.com", "nobody@example.com"] {
            let err = services
                .platform()
                .login(email, "wrong password!!", None)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::WrongCredentials), "{email}");
        }
        for _ in 0..4 {
            let _ = services
                .platform()
                .login("a@example.com", "wrong password!!", None)
                .await;
        }
        // Five failures: even the right password waits for the window to end.
        let err = services
            .platform()
            .login("a@example.com", "correct horse battery staple", None)
            .await
            .unwrap_err();
        let Error::RateLimited(decision) = err else {
            panic!("{err:?}")
        };
        assert_eq!(decision.limit, 5);
        assert_eq!(decision.remaining, 0);
        assert!(decision.retry_after_secs() > 0);
    }

    #[tokio::test]
    async fn roles_decide_who_may_add_members() {
        let (_db, services) = services().await;
        let w1 = workspace(&services, "w1").await;
        let w2 = workspace(&services, "w2").await;
        let admin = member(&services, "admin@example.com", Role::Admin, &w1).await;
        let agent = member(&services, "agent@example.com", Role::Agent, &w1).await;

        services
            .platform()
            .create_user(
                &admin,
                new_user("viewer@example.com", Role::Viewer, Some(&w1)),
            )
            .await
            .unwrap();
        let err = services
            .platform()
            .create_user(
                &admin,
                new_user("owner2@example.com", Role::Owner, Some(&w1)),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");
        let err = services
            .platform()
            .create_user(&agent, new_user("x@example.com", Role::Viewer, Some(&w1)))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PermissionDenied(_)), "{err:?}");
        let err = services
            .platform()
            .create_user(&admin, new_user("y@example.com", Role::Viewer, Some(&w2)))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::NotFound(_)),
            "outsiders see nothing: {err:?}"
        );
    }
}
