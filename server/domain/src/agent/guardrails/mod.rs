//! Guardrails: rules validated and compiled when written, checks against a per-app cache of
//! compiled rules, and an annotated audit trail of violations.

mod matcher;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use model::agent::conversations::{MAX_NAME_CHARS, MAX_TEXT_BYTES};
use model::agent::guardrails::{
    AnnotateViolation, CreateGuardrailRule, Direction, GuardrailAction, GuardrailCheck,
    GuardrailRule, GuardrailType, GuardrailVerdict, UpdateGuardrailRule, Violation, ViolationHit,
    ViolationPage,
};
use model::platform::users::Permission;
use store::{GuardrailRuleRecord, StoreError, ViolationFilter, ViolationRecord};

use self::matcher::{Matcher, compile};
use crate::agent::Agent;
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{AUTH_CACHE_TTL, Caller, Error, Result, Services};

/// Characters of checked content kept with a violation.
const VIOLATION_CONTENT_CHARS: usize = 500;
/// Rules one app may have.
const MAX_RULES_PER_APP: usize = 200;
const MAX_USER_MESSAGE_CHARS: usize = 1_000;

/// An active rule, ready to evaluate.
#[derive(Debug)]
struct CompiledRule {
    id: String,
    kind: GuardrailType,
    action: GuardrailAction,
    user_message: Option<String>,
    matcher: Matcher,
}

/// An app's compiled active rules, shared by concurrent checks.
type RuleSet = Arc<[CompiledRule]>;

/// Each app's compiled active rules. Changes made through this instance evict at once. After
/// the authentication cache's lifetime an entry is revalidated against the rules' fingerprint
/// (one cheap query) and recompiled only if they changed elsewhere: compiling costs far more
/// than a check.
#[derive(Debug, Default)]
pub(crate) struct RuleCache {
    entries: Mutex<HashMap<String, CacheEntry>>,
}

#[derive(Clone, Debug)]
struct CacheEntry {
    checked: Instant,
    fingerprint: (i64, i64),
    rules: RuleSet,
}

impl RuleCache {
    fn get(&self, app_id: &str) -> Option<CacheEntry> {
        self.entries.lock().ok()?.get(app_id).cloned()
    }

    fn put(&self, app_id: &str, entry: CacheEntry) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(app_id.to_owned(), entry);
        }
    }

    fn evict(&self, app_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(app_id);
        }
    }
}

impl Agent<'_> {
    /// Adds a rule; its pattern must compile. Needs the app secret.
    pub async fn create_guardrail_rule(
        &self,
        caller: &Caller,
        input: CreateGuardrailRule,
    ) -> Result<GuardrailRule> {
        caller.require(Permission::GuardrailsManage)?;
        check_rule(input.r#type, &input.pattern, input.user_message.as_deref())?;
        let existing = self.store().guardrail_rules(&caller.app.id).await?;
        if existing.len() >= MAX_RULES_PER_APP {
            return Err(Error::Invalid(format!(
                "An app may have at most {MAX_RULES_PER_APP} guardrail rules"
            )));
        }
        let now = self.now_ms();
        let record = GuardrailRuleRecord {
            id: new_id(),
            app_id: caller.app.id.clone(),
            r#type: input.r#type.as_str().to_owned(),
            pattern: input.pattern.trim().to_owned(),
            action: input.action.as_str().to_owned(),
            user_message: input.user_message.filter(|m| !m.trim().is_empty()),
            is_active: input.is_active.unwrap_or(true),
            created_at: now,
            updated_at: now,
        };
        self.store().insert_guardrail_rule(&record).await?;
        self.rule_cache().evict(&caller.app.id);
        self.audit_rule(caller, "guardrail_rule.created", &record)
            .await?;
        Ok(to_rule(record))
    }

    /// Changes the fields present; the result must compile. Needs the app secret.
    pub async fn update_guardrail_rule(
        &self,
        caller: &Caller,
        rule_id: &str,
        patch: UpdateGuardrailRule,
    ) -> Result<GuardrailRule> {
        caller.require(Permission::GuardrailsManage)?;
        let current = self
            .store()
            .guardrail_rule(&caller.app.id, rule_id)
            .await?
            .ok_or(Error::NotFound("guardrail rule"))?;
        let kind = patch
            .r#type
            .or_else(|| GuardrailType::parse(&current.r#type))
            .ok_or(Error::NotFound("guardrail rule"))?;
        let pattern = patch
            .pattern
            .map(|p| p.trim().to_owned())
            .unwrap_or(current.pattern.clone());
        let user_message = match patch.user_message {
            Some(message) => Some(message).filter(|m| !m.trim().is_empty()),
            None => current.user_message.clone(),
        };
        check_rule(kind, &pattern, user_message.as_deref())?;
        let record = GuardrailRuleRecord {
            r#type: kind.as_str().to_owned(),
            pattern,
            action: patch
                .action
                .map_or(current.action.clone(), |a| a.as_str().to_owned()),
            user_message,
            is_active: patch.is_active.unwrap_or(current.is_active),
            updated_at: self.now_ms(),
            ..current
        };
        self.store()
            .update_guardrail_rule(&record)
            .await
            .map_err(not_found("guardrail rule"))?;
        self.rule_cache().evict(&caller.app.id);
        self.audit_rule(caller, "guardrail_rule.updated", &record)
            .await?;
        Ok(to_rule(record))
    }

    /// Deletes a rule; its violations stay in the audit trail. Needs the app secret.
    pub async fn delete_guardrail_rule(&self, caller: &Caller, rule_id: &str) -> Result<()> {
        caller.require(Permission::GuardrailsManage)?;
        self.store()
            .delete_guardrail_rule(&caller.app.id, rule_id)
            .await
            .map_err(not_found("guardrail rule"))?;
        self.rule_cache().evict(&caller.app.id);
        self.audit_change(
            caller,
            "guardrail_rule.deleted",
            "guardrail_rule",
            Some(rule_id.to_owned()),
            None,
        )
        .await
    }

    /// Every rule of the app, active or not, oldest first. Needs the app secret.
    pub async fn guardrail_rules(&self, caller: &Caller) -> Result<Vec<GuardrailRule>> {
        caller.require(Permission::GuardrailsManage)?;
        let records = self.store().guardrail_rules(&caller.app.id).await?;
        Ok(records.into_iter().map(to_rule).collect())
    }

    /// Checks content against the app's active rules and records each violation. When the app
    /// has guardrails disabled everything is allowed, unchecked (seed 000). Session tokens may
    /// call it, and a call's agent for its own session.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn check_guardrails(
        &self,
        caller: &Caller,
        input: GuardrailCheck,
    ) -> Result<GuardrailVerdict> {
        caller.permit_agent(Permission::AppsRead)?;
        let mut checks = Checks::new();
        checks.text("sessionId", &input.session_id, 1, MAX_NAME_CHARS);
        checks.bytes("content", &input.content, MAX_TEXT_BYTES);
        checks.finish()?;
        caller.require_own_session(&input.session_id)?;
        if !caller.app.settings.guardrails_enabled {
            return Ok(GuardrailVerdict {
                allowed: true,
                violations: Vec::new(),
            });
        }
        let rules = self.compiled_rules(&caller.app.id).await?;
        let hits = violated_rules(&rules, &input.content);
        if !hits.is_empty() {
            let excerpt: String = input
                .content
                .chars()
                .take(VIOLATION_CONTENT_CHARS)
                .collect();
            let now = self.now_ms();
            let records: Vec<ViolationRecord> = hits
                .iter()
                .map(|rule| ViolationRecord {
                    id: new_id(),
                    app_id: caller.app.id.clone(),
                    session_id: input.session_id.clone(),
                    rule_id: rule.id.clone(),
                    r#type: rule.kind.as_str().to_owned(),
                    direction: input.direction.as_str().to_owned(),
                    content: excerpt.clone(),
                    action: rule.action.as_str().to_owned(),
                    annotated_correctness: None,
                    annotated_by: None,
                    annotated_at: None,
                    created_at: now,
                })
                .collect();
            self.store().insert_violations(&records).await?;
        }
        Ok(verdict(hits))
    }

    /// What the active rules say of `content`, recording nothing and whether or not the app has
    /// guardrails enabled: the dashboard's "test this text". Needs the app secret.
    pub async fn try_guardrails(&self, caller: &Caller, content: &str) -> Result<GuardrailVerdict> {
        caller.require(Permission::GuardrailsManage)?;
        let mut checks = Checks::new();
        checks.bytes("content", content, MAX_TEXT_BYTES);
        checks.finish()?;
        let rules = self.compiled_rules(&caller.app.id).await?;
        Ok(verdict(violated_rules(&rules, content)))
    }

    /// The app's violations, newest first. Needs the app secret.
    pub async fn list_violations(
        &self,
        caller: &Caller,
        session_id: Option<String>,
        since: Option<i64>,
        until: Option<i64>,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<ViolationPage> {
        caller.require(Permission::GuardrailsManage)?;
        let paging = Paging::new(cursor, limit, 50, 200)?;
        let filter = ViolationFilter {
            session_id,
            since,
            until,
        };
        let records = self
            .store()
            .list_violations(&caller.app.id, &filter, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |v| (v.created_at, v.id.as_str()));
        Ok(ViolationPage {
            violations: records.into_iter().filter_map(to_violation).collect(),
            next_cursor,
        })
    }

    /// Marks a violation a true or false positive. Needs the app secret.
    pub async fn annotate_violation(
        &self,
        caller: &Caller,
        input: AnnotateViolation,
    ) -> Result<Violation> {
        caller.require(Permission::GuardrailsManage)?;
        let by = input
            .annotated_by
            .map(|b| b.trim().to_owned())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "dashboard-user".to_owned());
        let mut checks = Checks::new();
        checks.text("annotatedBy", &by, 1, MAX_NAME_CHARS);
        checks.finish()?;
        let record = self
            .store()
            .annotate_violation(
                &caller.app.id,
                &input.violation_id,
                input.annotated_correctness.as_str(),
                &by,
                self.now_ms(),
            )
            .await
            .map_err(not_found("violation"))?;
        to_violation(record).ok_or(Error::NotFound("violation"))
    }
}

impl Services {
    /// Records a rule's creation or change with what it now does.
    async fn audit_rule(
        &self,
        caller: &Caller,
        action: &'static str,
        rule: &GuardrailRuleRecord,
    ) -> Result<()> {
        let details = serde_json::json!({
            "type": rule.r#type,
            "pattern": rule.pattern,
            "action": rule.action,
            "isActive": rule.is_active,
        });
        self.audit_change(
            caller,
            action,
            "guardrail_rule",
            Some(rule.id.clone()),
            Some(details),
        )
        .await
    }

    /// The app's active rules, compiled: from the cache when fresh or still current.
    async fn compiled_rules(&self, app_id: &str) -> Result<RuleSet> {
        let cached = self.rule_cache().get(app_id);
        if let Some(entry) = &cached
            && entry.checked.elapsed() < AUTH_CACHE_TTL
        {
            return Ok(entry.rules.clone());
        }
        let fingerprint = self.store().guardrail_rules_fingerprint(app_id).await?;
        if let Some(entry) = cached
            && entry.fingerprint == fingerprint
        {
            self.rule_cache().put(
                app_id,
                CacheEntry {
                    checked: Instant::now(),
                    ..entry.clone()
                },
            );
            return Ok(entry.rules);
        }
        let records = self.store().guardrail_rules(app_id).await?;
        let rules: RuleSet = records
            .into_iter()
            .filter(|r| r.is_active)
            .filter_map(|record| {
                let kind = GuardrailType::parse(&record.r#type)?;
                // Rules were compiled when written; one that no longer compiles is skipped.
                let matcher = compile(kind, &record.pattern).ok()?;
                Some(CompiledRule {
                    kind,
                    action: GuardrailAction::parse(&record.action)?,
                    matcher,
                    id: record.id,
                    user_message: record.user_message,
                })
            })
            .collect();
        self.rule_cache().put(
            app_id,
            CacheEntry {
                checked: Instant::now(),
                fingerprint,
                rules: rules.clone(),
            },
        );
        Ok(rules)
    }
}

/// The rules `content` violates.
fn violated_rules<'a>(rules: &'a [CompiledRule], content: &str) -> Vec<&'a CompiledRule> {
    rules
        .iter()
        .filter(|rule| rule.matcher.is_violated_by(content))
        .collect()
}

/// Allowed unless a `block` rule matched, with every rule that did.
fn verdict(hits: Vec<&CompiledRule>) -> GuardrailVerdict {
    GuardrailVerdict {
        allowed: !hits.iter().any(|r| r.action == GuardrailAction::Block),
        violations: hits
            .into_iter()
            .map(|rule| ViolationHit {
                rule_id: rule.id.clone(),
                r#type: rule.kind,
                action: rule.action,
                user_message: rule.user_message.clone(),
            })
            .collect(),
    }
}

fn check_rule(kind: GuardrailType, pattern: &str, user_message: Option<&str>) -> Result<()> {
    let mut checks = Checks::new();
    if let Err(problem) = compile(kind, pattern.trim()) {
        checks.fail("pattern", problem);
    }
    checks.optional_text("userMessage", user_message, MAX_USER_MESSAGE_CHARS);
    checks.finish()
}

fn not_found(what: &'static str) -> impl Fn(StoreError) -> Error {
    move |err| match err {
        StoreError::NotFound => Error::NotFound(what),
        other => other.into(),
    }
}

fn to_rule(record: GuardrailRuleRecord) -> GuardrailRule {
    GuardrailRule {
        r#type: GuardrailType::parse(&record.r#type).unwrap_or(GuardrailType::BlockedTopic),
        action: GuardrailAction::parse(&record.action).unwrap_or(GuardrailAction::Log),
        id: record.id,
        pattern: record.pattern,
        user_message: record.user_message,
        is_active: record.is_active,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

pub(crate) fn to_violation(record: ViolationRecord) -> Option<Violation> {
    Some(Violation {
        r#type: GuardrailType::parse(&record.r#type)?,
        direction: match record.direction.as_str() {
            "output" => Direction::Output,
            _ => Direction::Input,
        },
        action: GuardrailAction::parse(&record.action)?,
        annotated_correctness: match record.annotated_correctness.as_deref() {
            Some("true_positive") => Some(model::agent::guardrails::Correctness::TruePositive),
            Some("false_positive") => Some(model::agent::guardrails::Correctness::FalsePositive),
            _ => None,
        },
        id: record.id,
        session_id: record.session_id,
        rule_id: record.rule_id,
        content: record.content,
        annotated_by: record.annotated_by,
        annotated_at: record.annotated_at,
        created_at: record.created_at,
    })
}
