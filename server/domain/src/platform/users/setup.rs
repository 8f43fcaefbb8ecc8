//! First-run setup: the one-time link that creates the first owner, or the CLI's first owner.

use super::*;
use crate::platform::Platform;

impl Platform<'_> {
    /// On a database without users, makes the one-time token that lets first-run setup create
    /// the owner, and returns it to be shown to the operator (it is kept only as a hash).
    /// `None` once a user exists.
    pub async fn prepare_first_run_setup(&self) -> Result<Option<String>> {
        if self.user_count().await? > 0 {
            return Ok(None);
        }
        let token = secrets::generate(SETUP_TOKEN_PREFIX)?;
        let mut slot = self
            .setup_token_hash()
            .lock()
            .map_err(|_| Error::Internal("setup token lock poisoned".into()))?;
        *slot = Some(secrets::hash(&token));
        Ok(Some(token))
    }

    /// Whether first-run setup is open (no user yet, and a setup token was issued).
    pub async fn setup_pending(&self) -> Result<bool> {
        let issued = self
            .setup_token_hash()
            .lock()
            .map_err(|_| Error::Internal("setup token lock poisoned".into()))?
            .is_some();
        Ok(issued && self.user_count().await? == 0)
    }

    /// First-run setup with the token from the server log: creates the owner, then retires
    /// the token.
    pub async fn complete_first_run_setup(
        &self,
        setup_token: &str,
        input: NewUser,
        source_ip: Option<String>,
    ) -> Result<CurrentUser> {
        let valid = self
            .setup_token_hash()
            .lock()
            .map_err(|_| Error::Internal("setup token lock poisoned".into()))?
            .as_deref()
            .is_some_and(|hash| secrets::matches(setup_token, hash));
        if !valid {
            return Err(Error::PermissionDenied(
                "The setup token is wrong or already used; it is printed in the server log"
                    .to_owned(),
            ));
        }
        let owner = self.create_first_owner(input, source_ip).await?;
        if let Ok(mut slot) = self.setup_token_hash().lock() {
            *slot = None;
        }
        Ok(owner)
    }

    /// First-run setup: creates the first owner, and only while no user exists.
    pub async fn create_first_owner(
        &self,
        input: NewUser,
        source_ip: Option<String>,
    ) -> Result<CurrentUser> {
        if self.user_count().await? > 0 {
            return Err(Error::Conflict(
                "Setup is already done: sign in instead".to_owned(),
            ));
        }
        let workspace_id = self.default_workspace().await?.id;
        let user = self
            .insert_user(
                NewUser {
                    role: Role::Owner,
                    workspace_id: Some(workspace_id.clone()),
                    ..input
                },
                &workspace_id,
            )
            .await?;
        let actor = Actor::user(user.clone(), source_ip);
        self.audit(
            &actor,
            AuditEvent {
                action: "user.created",
                target_type: "user",
                target_id: Some(user.id.clone()),
                workspace_id: Some(workspace_id),
                app_id: None,
                details: Some(
                    serde_json::json!({ "email": user.email, "role": "owner", "via": "setup" }),
                ),
            },
        )
        .await?;
        Ok(user)
    }
}
