//! Contacts: who a widget session acts as, and what the dashboard shows of them.
//!
//! Identities are never merged on a claim. A visitor who claims an email or user id that
//! another contact has gets their own contact, not the other's history (seed 001's original
//! attached them to it: an account takeover). A contact is linked to an existing one only by a
//! user hash that proves its external user id.

use model::desk::contacts::{Contact, ContactDetail, ContactPage, ContactQuery, Device, Location};
use model::desk::widget::IdentifyRequest;
use model::platform::users::Permission;
use serde_json::{Map, Value};
use store::{ContactFilter, ContactRecord, StoreError};

use crate::desk::identity::Proof;
use crate::desk::widget_sessions::identity_refused;
use crate::desk::{Desk, Visitor};
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Actor, Error, Result};

/// Custom attributes a contact may hold.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 100;
const MAX_ATTRIBUTE_KEY: usize = 64;
const MAX_ATTRIBUTE_TEXT: usize = 1_000;
/// Characters of each device and location field.
const MAX_PLACE_TEXT: usize = 100;

/// Where and when a boot saw the visitor.
#[derive(Debug)]
pub(crate) struct Sighting<'a> {
    pub(crate) device_id: &'a str,
    pub(crate) device: Option<Device>,
    pub(crate) location: Option<Location>,
    pub(crate) at: i64,
}

/// What a visitor says about themselves, checked.
#[derive(Debug, Default)]
pub(crate) struct ContactClaims {
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) external_user_id: Option<String>,
    pub(crate) custom_attributes: Option<Map<String, Value>>,
}

impl ContactClaims {
    /// Trims the claims, records their problems in `checks`; empty strings are absent.
    pub(crate) fn checked(
        email: Option<String>,
        name: Option<String>,
        external_user_id: Option<String>,
        custom_attributes: Option<Map<String, Value>>,
        checks: &mut Checks,
    ) -> ContactClaims {
        let present = |value: Option<String>| {
            value
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let email = present(email).map(|email| email.to_lowercase());
        if let Some(email) = &email {
            checks.text("email", email, 3, 320);
            if !email.contains('@') {
                checks.fail("email", "must be an email address");
            }
        }
        let name = present(name);
        checks.optional_text("name", name.as_deref(), 200);
        let external_user_id = present(external_user_id);
        checks.optional_text("externalUserId", external_user_id.as_deref(), 255);
        if let Some(attributes) = &custom_attributes {
            check_attributes(attributes, checks);
        }
        ContactClaims {
            email,
            name,
            external_user_id,
            custom_attributes,
        }
    }

    /// Writes the claims onto `contact` (email, name, attributes); the external user id is
    /// the caller's decision.
    fn apply(&self, contact: &mut ContactRecord) -> Result<()> {
        if let Some(email) = &self.email {
            contact.email = Some(email.clone());
        }
        if let Some(name) = &self.name {
            contact.name = Some(name.clone());
        }
        if let Some(attributes) = &self.custom_attributes {
            for (key, value) in attributes {
                if value.is_null() {
                    contact.custom_attributes.remove(key);
                } else {
                    contact.custom_attributes.insert(key.clone(), value.clone());
                }
            }
            if contact.custom_attributes.len() > MAX_CUSTOM_ATTRIBUTES {
                return Err(Error::InvalidFields(vec![crate::FieldError::new(
                    "customAttributes",
                    format!("a contact holds at most {MAX_CUSTOM_ATTRIBUTES} attributes"),
                )]));
            }
        }
        Ok(())
    }
}

fn check_attributes(attributes: &Map<String, Value>, checks: &mut Checks) {
    if attributes.len() > MAX_CUSTOM_ATTRIBUTES {
        checks.fail(
            "customAttributes",
            format!("at most {MAX_CUSTOM_ATTRIBUTES} attributes"),
        );
    }
    for (key, value) in attributes {
        let field = format!("customAttributes.{key}");
        let key_ok = (1..=MAX_ATTRIBUTE_KEY).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !key_ok {
            checks.fail(
                field.clone(),
                format!("names are 1–{MAX_ATTRIBUTE_KEY} letters, digits, '_', '-' or '.'"),
            );
        }
        match value {
            Value::String(text) if text.chars().count() > MAX_ATTRIBUTE_TEXT => checks.fail(
                field,
                format!("text values are at most {MAX_ATTRIBUTE_TEXT} characters"),
            ),
            Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => {}
            Value::Array(_) | Value::Object(_) => checks.fail(
                field,
                "must be a string, number or boolean (null removes it)",
            ),
        }
    }
}

pub(crate) fn check_device(device: Option<&Device>, checks: &mut Checks) {
    if let Some(device) = device {
        for (field, value) in [
            ("device.browser", &device.browser),
            ("device.os", &device.os),
            ("device.deviceType", &device.device_type),
            ("device.platform", &device.platform),
        ] {
            checks.optional_text(field, value.as_deref(), MAX_PLACE_TEXT);
        }
    }
}

pub(crate) fn check_location(location: Option<&Location>, checks: &mut Checks) {
    if let Some(location) = location {
        for (field, value) in [
            ("location.city", &location.city),
            ("location.region", &location.region),
            ("location.country", &location.country),
            ("location.countryCode", &location.country_code),
        ] {
            checks.optional_text(field, value.as_deref(), MAX_PLACE_TEXT);
        }
    }
}

fn to_value<T: serde::Serialize>(value: Option<T>) -> Option<Value> {
    value.and_then(|value| serde_json::to_value(value).ok())
}

pub(crate) fn to_contact(record: ContactRecord) -> Contact {
    Contact {
        id: record.id,
        workspace_id: record.workspace_id,
        email: record.email,
        name: record.name,
        external_user_id: record.external_user_id,
        identity_verified: record.identity_verified,
        identity_verified_at: record.identity_verified_at,
        custom_attributes: record.custom_attributes,
        device: record
            .device
            .and_then(|value| serde_json::from_value(value).ok()),
        location: record
            .location
            .and_then(|value| serde_json::from_value(value).ok()),
        first_seen_at: record.first_seen_at,
        last_seen_at: record.last_seen_at,
    }
}

impl Desk<'_> {
    /// A page of a workspace's contacts, most recently seen first (needs
    /// `conversations.read`).
    pub async fn list_contacts(&self, actor: &Actor, query: ContactQuery) -> Result<ContactPage> {
        let workspace_id = match query.workspace_id {
            Some(id) => id,
            None => self.workspace_for(actor).await?,
        };
        actor.require(&workspace_id, Permission::ConversationsRead)?;
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 50, 100)?;
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|term| !term.is_empty());
        let rows = self
            .store()
            .list_contacts(&ContactFilter {
                workspace_id: &workspace_id,
                search,
                verified: query.verified,
                after: paging.after(),
                limit: paging.fetch(),
            })
            .await?;
        let (rows, next_cursor) = paging.page(rows, |row| (row.last_seen_at, row.id.as_str()));
        Ok(ContactPage {
            contacts: rows.into_iter().map(to_contact).collect(),
            next_cursor,
        })
    }

    /// One contact with their history (needs `conversations.read` in its workspace).
    pub async fn contact(&self, actor: &Actor, id: &str) -> Result<ContactDetail> {
        let record = self
            .store()
            .contact_by_id(id)
            .await?
            .ok_or(Error::NotFound("contact"))?;
        actor.require_for(
            &record.workspace_id,
            Permission::ConversationsRead,
            "contact",
        )?;
        let live_sessions = self
            .store()
            .count_live_widget_sessions(&record.id, self.now_ms())
            .await?;
        let conversations = self.contact_threads(&record.id).await?;
        let calls = self.contact_calls(&record.workspace_id, &record.id).await?;
        Ok(ContactDetail {
            contact: to_contact(record),
            live_sessions,
            conversations,
            calls,
        })
    }

    /// The visitor tells who they are. A `userHash` that proves `externalUserId` moves the
    /// session to that user's contact; anything else changes only the visitor's own contact.
    pub async fn identify(&self, visitor: &Visitor, request: IdentifyRequest) -> Result<Contact> {
        let mut checks = Checks::new();
        let claims = ContactClaims::checked(
            request.email,
            request.name,
            request.external_user_id,
            request.custom_attributes,
            &mut checks,
        );
        checks.finish()?;
        self.admit_visitor_write(visitor).await?;
        let current = self.contact_of(visitor).await?;
        let now = self.now_ms();
        let mut target = match claims.external_user_id.as_deref() {
            None => current,
            Some(user_id)
                if current.identity_verified
                    && current.external_user_id.as_deref() == Some(user_id) =>
            {
                current
            }
            Some(user_id) => {
                let verifier = self.verifier(&visitor.app.id).await?;
                match verifier.proof(Some(user_id), request.user_hash.as_deref()) {
                    Proof::Verified => self.verified_contact_for(&current, user_id, now).await?,
                    _ if verifier.requires_proof() => return Err(identity_refused()),
                    _ if current.identity_verified => {
                        return Err(Error::PermissionDenied(
                            "A verified contact's user id changes only with a valid userHash"
                                .to_owned(),
                        ));
                    }
                    _ => ContactRecord {
                        external_user_id: Some(user_id.to_owned()),
                        ..current
                    },
                }
            }
        };
        claims.apply(&mut target)?;
        target.last_seen_at = now;
        target.updated_at = now;
        self.store().update_contact(&target).await?;
        if target.id != visitor.contact_id {
            self.store()
                .rebind_widget_session(&visitor.session.id, &target.id, target.identity_verified)
                .await?;
        }
        Ok(to_contact(target))
    }

    /// Records where the visitor is.
    pub async fn update_location(&self, visitor: &Visitor, location: Location) -> Result<Contact> {
        let mut checks = Checks::new();
        check_location(Some(&location), &mut checks);
        checks.finish()?;
        self.admit_visitor_write(visitor).await?;
        let now = self.now_ms();
        let contact = ContactRecord {
            location: to_value(Some(location)),
            last_seen_at: now,
            updated_at: now,
            ..self.contact_of(visitor).await?
        };
        self.store().update_contact(&contact).await?;
        Ok(to_contact(contact))
    }

    pub(crate) async fn contact_of(&self, visitor: &Visitor) -> Result<ContactRecord> {
        self.store()
            .contact_by_id(&visitor.contact_id)
            .await?
            .filter(|contact| contact.workspace_id == visitor.workspace_id())
            .ok_or(Error::NotFound("contact"))
    }

    /// The contact a boot acts as: the verified contact of a proved user id, else this
    /// device's anonymous contact, else a new one. Claims and the sighting are written onto it.
    pub(crate) async fn resolve_contact(
        &self,
        workspace_id: &str,
        claims: ContactClaims,
        verified: bool,
        sighting: Sighting<'_>,
    ) -> Result<ContactRecord> {
        let Sighting {
            device_id,
            device,
            location,
            at: now,
        } = sighting;
        let store = self.store();
        let anonymous = store
            .anonymous_contact_by_device(workspace_id, device_id)
            .await?;
        let mut contact = match (verified, claims.external_user_id.as_deref()) {
            (true, Some(user_id)) => match store.verified_contact(workspace_id, user_id).await? {
                Some(existing) => existing,
                None => {
                    let current = match anonymous {
                        Some(contact) => contact,
                        None => self.new_contact(workspace_id, device_id, now).await?,
                    };
                    self.verified_contact_for(&current, user_id, now).await?
                }
            },
            _ => {
                let mut contact = match anonymous {
                    Some(contact) => contact,
                    None => self.new_contact(workspace_id, device_id, now).await?,
                };
                if let Some(user_id) = &claims.external_user_id {
                    contact.external_user_id = Some(user_id.clone());
                }
                contact
            }
        };
        claims.apply(&mut contact)?;
        contact.device_id = Some(device_id.to_owned());
        if device.is_some() {
            contact.device = to_value(device);
        }
        if location.is_some() {
            contact.location = to_value(location);
        }
        contact.last_seen_at = now;
        contact.updated_at = now;
        store.update_contact(&contact).await?;
        Ok(contact)
    }

    /// The verified contact of `user_id`, for a visitor now acting as `current` who proved it:
    /// the existing one, else `current` itself if it is anonymous and claimed no other id,
    /// else a new one.
    async fn verified_contact_for(
        &self,
        current: &ContactRecord,
        user_id: &str,
        now: i64,
    ) -> Result<ContactRecord> {
        let store = self.store();
        if let Some(existing) = store
            .verified_contact(&current.workspace_id, user_id)
            .await?
        {
            return Ok(existing);
        }
        let upgrade = !current.identity_verified
            && current
                .external_user_id
                .as_deref()
                .is_none_or(|claimed| claimed == user_id);
        let verified = ContactRecord {
            external_user_id: Some(user_id.to_owned()),
            identity_verified: true,
            identity_verified_at: Some(now),
            updated_at: now,
            ..current.clone()
        };
        if upgrade {
            return match store.update_contact(&verified).await {
                Ok(()) => Ok(verified),
                Err(StoreError::UniqueViolation) => store
                    .verified_contact(&current.workspace_id, user_id)
                    .await?
                    .ok_or(Error::NotFound("contact")),
                Err(err) => Err(err.into()),
            };
        }
        // `current` is someone else: the new contact takes nothing of theirs but the device.
        let created = ContactRecord {
            id: new_id(),
            email: None,
            name: None,
            custom_attributes: Map::new(),
            first_seen_at: now,
            created_at: now,
            ..verified
        };
        match store.insert_contact(&created).await {
            Ok(()) => Ok(created),
            // Another boot of the same user created it first: use theirs.
            Err(StoreError::UniqueViolation) => store
                .verified_contact(&current.workspace_id, user_id)
                .await?
                .ok_or(Error::NotFound("contact")),
            Err(err) => Err(err.into()),
        }
    }

    async fn new_contact(
        &self,
        workspace_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<ContactRecord> {
        let contact = ContactRecord {
            id: new_id(),
            workspace_id: workspace_id.to_owned(),
            device_id: Some(device_id.to_owned()),
            email: None,
            name: None,
            external_user_id: None,
            identity_verified: false,
            identity_verified_at: None,
            custom_attributes: Map::new(),
            device: None,
            location: None,
            first_seen_at: now,
            last_seen_at: now,
            created_at: now,
            updated_at: now,
        };
        self.store().insert_contact(&contact).await?;
        Ok(contact)
    }
}
