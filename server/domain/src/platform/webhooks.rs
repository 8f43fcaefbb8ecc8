//! Outbound webhooks: queued in the same transaction as the change they announce, delivered
//! signed by a background worker, retried with exponential backoff, and logged.

use std::time::Duration;

use model::platform::users::Permission;
use model::platform::webhooks::{
    SigningSecret, WebhookDelivery, WebhookDeliveryPage, WebhookStatus,
};
use serde_json::Value;
use store::WebhookDeliveryRecord;

use crate::ids::new_id;
use crate::platform::Platform;
use crate::platform::outbound::{OutboundRequest, OutboundTarget, signature_headers};
use crate::platform::secrets::{self, SIGNING_SECRET_PREFIX};
use crate::validation::Paging;
use crate::{Caller, Result, Services};

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;
/// Time a receiver has to answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a worker holds a delivery it is sending.
const LEASE_MS: i64 = 60_000;
const BATCH: i64 = 20;
/// Receivers' answers are not used; only enough is read to log an error.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Backoff before attempt `n + 1`: 10 s, 20 s, 40 s … capped at one hour.
fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    (10_000_i64.saturating_mul(1 << exponent)).min(3_600_000)
}

/// A delivery of `event` to `url`, due now.
pub(crate) fn new_delivery(
    app_id: &str,
    event: &str,
    url: &str,
    payload: Value,
    now: i64,
) -> WebhookDeliveryRecord {
    WebhookDeliveryRecord {
        id: new_id(),
        app_id: app_id.to_owned(),
        event: event.to_owned(),
        url: url.to_owned(),
        payload,
        status: WebhookStatus::Pending.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: now,
        locked_until: None,
        last_status_code: None,
        last_error: None,
        created_at: now,
        updated_at: now,
        delivered_at: None,
    }
}

impl Platform<'_> {
    /// Deliveries waiting to be delivered or retried, every app's (for the metrics).
    pub async fn webhook_backlog(&self) -> Result<i64> {
        Ok(self.store().pending_webhook_deliveries().await?)
    }

    /// Sends every due delivery once; run by the worker. Returns how many were attempted.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn deliver_due_webhooks(&self) -> Result<usize> {
        let due = self
            .store()
            .claim_due_webhooks(self.now_ms(), LEASE_MS, BATCH)
            .await?;
        let attempted = due.len();
        let sends = due.into_iter().map(|delivery| self.attempt(delivery));
        for outcome in futures_util::future::join_all(sends).await {
            outcome?;
        }
        Ok(attempted)
    }

    /// The app's deliveries (the delivery log), newest first. Needs the app secret.
    pub async fn list_webhook_deliveries(
        &self,
        caller: &Caller,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<WebhookDeliveryPage> {
        caller.require(Permission::AppsRead)?;
        let paging = Paging::new(cursor, limit, 50, 200)?;
        let records = self
            .store()
            .list_webhook_deliveries(&caller.app.id, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |d| (d.created_at, d.id.as_str()));
        Ok(WebhookDeliveryPage {
            deliveries: records.into_iter().map(to_delivery).collect(),
            next_cursor,
        })
    }

    /// The caller's signing secret. Needs the app secret.
    pub async fn signing_secret(&self, caller: &Caller) -> Result<SigningSecret> {
        caller.require(Permission::AppsManage)?;
        Ok(SigningSecret {
            signing_secret: self.app_signing_secret(&caller.app.id).await?,
        })
    }

    /// Replaces the caller's signing secret. Needs the app secret.
    pub async fn rotate_signing_secret(&self, caller: &Caller) -> Result<SigningSecret> {
        caller.require(Permission::AppsManage)?;
        let secret = secrets::generate(SIGNING_SECRET_PREFIX)?;
        let sealed = self
            .keyring()
            .seal(&signing_secret_context(&caller.app.id), &secret)?;
        self.store()
            .replace_signing_secret(&caller.app.id, &sealed)
            .await?;
        self.audit_change(
            caller,
            "webhook.signing_secret.rotated",
            "app",
            Some(caller.app.id.clone()),
            None,
        )
        .await?;
        Ok(SigningSecret {
            signing_secret: secret,
        })
    }

    /// Seals every stored signing secret under the current key: plain ones stored before
    /// secrets were sealed, and ones sealed under an older key. Answers how many it resealed.
    pub async fn reseal_signing_secrets(&self) -> Result<usize> {
        let mut resealed = 0;
        for (app_id, stored) in self.store().signing_secrets().await? {
            if self.keyring().is_current(&stored) {
                continue;
            }
            let context = signing_secret_context(&app_id);
            let plain = self.keyring().open(&context, &stored)?;
            let sealed = self.keyring().seal(&context, &plain)?;
            if self
                .store()
                .replace_signing_secret_if(&app_id, &stored, &sealed)
                .await?
            {
                resealed += 1;
            }
        }
        Ok(resealed)
    }
}

impl Services {
    async fn attempt(&self, delivery: WebhookDeliveryRecord) -> Result<()> {
        let body = serde_json::to_vec(&delivery.payload)
            .map_err(|e| crate::Error::Internal(Box::new(e)))?;
        let secret = self.app_signing_secret(&delivery.app_id).await?;
        let now = self.now_ms();
        let mut headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Switchboard-Event".to_owned(), delivery.event.clone()),
            // Receivers deduplicate retries by this id.
            ("X-Switchboard-Delivery".to_owned(), delivery.id.clone()),
        ];
        headers.extend(signature_headers(&secret, now, &body));
        let outcome = self
            .ports()
            .http
            .send(OutboundRequest {
                target: OutboundTarget::Webhook,
                method: "POST".to_owned(),
                url: delivery.url.clone(),
                headers,
                body: Some(body),
                timeout: DELIVERY_TIMEOUT,
                max_response_bytes: MAX_ANSWER_BYTES,
            })
            .await;
        let attempts = delivery.attempts + 1;
        let (status_code, error) = match &outcome {
            Ok(answer) if (200..300).contains(&answer.status) => (Some(answer.status), None),
            Ok(answer) => (
                Some(answer.status),
                Some(format!("answered HTTP {}", answer.status)),
            ),
            Err(err) => (None, Some(err.to_string())),
        };
        let status = match (&error, attempts >= MAX_ATTEMPTS) {
            (None, _) => WebhookStatus::Delivered,
            (Some(_), true) => WebhookStatus::Failed,
            (Some(_), false) => WebhookStatus::Pending,
        };
        if let Some(error) = &error {
            tracing::warn!(delivery = %delivery.id, event = %delivery.event, attempts, %error, "webhook not delivered");
        }
        let record = WebhookDeliveryRecord {
            status: status.as_str().to_owned(),
            attempts,
            next_attempt_at: now + backoff_ms(attempts),
            last_status_code: status_code.map(i64::from),
            last_error: error,
            updated_at: now,
            delivered_at: (status == WebhookStatus::Delivered).then_some(now),
            ..delivery
        };
        self.store().record_webhook_attempt(&record).await?;
        Ok(())
    }

    /// The secret outbound calls of this app are signed with, created on first use.
    pub(crate) async fn app_signing_secret(&self, app_id: &str) -> Result<String> {
        let context = signing_secret_context(app_id);
        // Read first: this runs on every tool call and webhook, and only once writes.
        let stored = match self.store().signing_secret(app_id).await? {
            Some(stored) => stored,
            None => {
                let candidate = secrets::generate(SIGNING_SECRET_PREFIX)?;
                let sealed = self.keyring().seal(&context, &candidate)?;
                self.store()
                    .set_first_signing_secret(app_id, &sealed)
                    .await?
            }
        };
        self.keyring().open(&context, &stored)
    }
}

/// Where a signing secret is stored, bound into its seal.
pub(crate) fn signing_secret_context(app_id: &str) -> String {
    format!("apps.signing_secret/{app_id}")
}

fn to_delivery(record: WebhookDeliveryRecord) -> WebhookDelivery {
    WebhookDelivery {
        status: WebhookStatus::parse(&record.status).unwrap_or(WebhookStatus::Failed),
        id: record.id,
        event: record.event,
        url: record.url,
        payload: record.payload,
        attempts: record.attempts,
        next_attempt_at: (record.status == WebhookStatus::Pending.as_str())
            .then_some(record.next_attempt_at),
        last_status_code: record.last_status_code,
        last_error: record.last_error,
        created_at: record.created_at,
        delivered_at: record.delivered_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(4), 80_000);
        assert_eq!(backoff_ms(20), 3_600_000);
    }
}
