//! A/B experiments: validated variants, sticky race-free weighted assignment, and per-variant
//! results with a significance test.

use std::collections::HashSet;

use model::agent::conversations::MAX_NAME_CHARS;
use model::agent::experiments::{
    AssignVariant, Assignment, CreateExperiment, Experiment, ExperimentResults, ExperimentStatus,
    UpdateExperiment, Variant, VariantResult,
};
use model::platform::users::Permission;
use store::{ExperimentRecord, StoreError, VariantOutcome};

use crate::agent::Agent;
use crate::agent::stats::chi_square_p_value;
use crate::ids::new_id;
use crate::validation::Checks;
use crate::{Caller, Error, Result, Services};

const MAX_VARIANTS: usize = 20;
const MAX_CONFIG_BYTES: usize = 16 * 1024;
const SIGNIFICANCE_LEVEL: f64 = 0.05;

impl Agent<'_> {
    /// Creates an active experiment. Needs the app secret.
    pub async fn create_experiment(
        &self,
        caller: &Caller,
        input: CreateExperiment,
    ) -> Result<Experiment> {
        caller.require(Permission::ExperimentsManage)?;
        let name = input.name.trim().to_owned();
        check_experiment(&name, input.description.as_deref(), &input.variants)?;
        let now = self.now_ms();
        let record = ExperimentRecord {
            id: new_id(),
            app_id: caller.app.id.clone(),
            name,
            description: input.description.filter(|d| !d.trim().is_empty()),
            variants: input.variants,
            status: ExperimentStatus::Active.as_str().to_owned(),
            created_at: now,
            updated_at: now,
            ended_at: None,
        };
        match self.store().insert_experiment(&record).await {
            Err(StoreError::UniqueViolation) => return Err(Error::AlreadyExists("experiment")),
            other => other?,
        }
        let experiment = to_experiment(record, Vec::new());
        self.audit_experiment(caller, "experiment.created", &experiment)
            .await?;
        Ok(experiment)
    }

    /// The app's experiments with their results, newest first. Needs the app secret.
    pub async fn list_experiments(&self, caller: &Caller) -> Result<Vec<Experiment>> {
        caller.require_agent(Permission::ExperimentsManage)?;
        let records = self.store().list_experiments(&caller.app.id).await?;
        let mut experiments = Vec::with_capacity(records.len());
        for record in records {
            let outcomes = self.store().experiment_outcomes(&record.id).await?;
            experiments.push(to_experiment(record, outcomes));
        }
        Ok(experiments)
    }

    pub async fn experiment(&self, caller: &Caller, id: &str) -> Result<Experiment> {
        caller.require(Permission::ExperimentsManage)?;
        let record = self.experiment_record(caller, id).await?;
        let outcomes = self.store().experiment_outcomes(&record.id).await?;
        Ok(to_experiment(record, outcomes))
    }

    /// Replaces an experiment's name, description and variants. Weights and configs may change
    /// while it runs; the set of variant ids only until it assigned a session, since results of
    /// a removed arm would lose their meaning. An ended experiment is final (409). Needs the app
    /// secret.
    pub async fn update_experiment(
        &self,
        caller: &Caller,
        id: &str,
        input: UpdateExperiment,
    ) -> Result<Experiment> {
        caller.require(Permission::ExperimentsManage)?;
        let name = input.name.trim().to_owned();
        check_experiment(&name, input.description.as_deref(), &input.variants)?;
        let current = self.experiment_record(caller, id).await?;
        if current.status == ExperimentStatus::Ended.as_str() {
            return Err(Error::Conflict(
                "The experiment has ended; its definition is final".to_owned(),
            ));
        }
        let outcomes = self.store().experiment_outcomes(&current.id).await?;
        let exposed = outcomes.iter().any(|outcome| outcome.exposures > 0);
        let ids = |variants: &[Variant]| {
            variants
                .iter()
                .map(|v| v.id.clone())
                .collect::<HashSet<_>>()
        };
        if exposed && ids(&current.variants) != ids(&input.variants) {
            return Err(Error::Conflict(
                "Sessions are already assigned: change weights and configs, not which variants \
                 exist (end this experiment and start another for that)"
                    .to_owned(),
            ));
        }
        let seen_updated_at = current.updated_at;
        let record = ExperimentRecord {
            name,
            description: input.description.filter(|d| !d.trim().is_empty()),
            variants: input.variants,
            updated_at: self.now_ms().max(seen_updated_at + 1),
            ..current
        };
        match self
            .store()
            .update_experiment_definition(&record, seen_updated_at)
            .await
        {
            Err(StoreError::UniqueViolation) => Err(Error::AlreadyExists("experiment")),
            Ok(false) => Err(Error::Conflict(
                "The experiment changed meanwhile; reload it".to_owned(),
            )),
            Ok(true) => {
                let experiment = to_experiment(record, outcomes);
                self.audit_experiment(caller, "experiment.updated", &experiment)
                    .await?;
                Ok(experiment)
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Pauses, resumes or ends an experiment (ended is final: 409). Needs the app secret.
    pub async fn set_experiment_status(
        &self,
        caller: &Caller,
        id: &str,
        status: ExperimentStatus,
    ) -> Result<Experiment> {
        caller.require(Permission::ExperimentsManage)?;
        let current = self.experiment_record(caller, id).await?;
        let from = ExperimentStatus::parse(&current.status).unwrap_or(ExperimentStatus::Ended);
        if !from.can_become(status) {
            return Err(Error::InvalidTransition {
                what: "experiment status",
                from: from.as_str(),
                to: status.as_str(),
            });
        }
        let now = self.now_ms();
        let record = ExperimentRecord {
            status: status.as_str().to_owned(),
            updated_at: now,
            ended_at: match status {
                ExperimentStatus::Ended => current.ended_at.or(Some(now)),
                _ => None,
            },
            ..current
        };
        if !self
            .store()
            .set_experiment_status(&record, from.as_str())
            .await?
        {
            return Err(Error::Conflict(
                "The experiment changed meanwhile; reload it".to_owned(),
            ));
        }
        let outcomes = self.store().experiment_outcomes(&record.id).await?;
        let details = serde_json::json!({ "from": from.as_str(), "to": status.as_str() });
        self.audit_change(
            caller,
            "experiment.status_changed",
            "experiment",
            Some(record.id.clone()),
            Some(details),
        )
        .await?;
        Ok(to_experiment(record, outcomes))
    }

    /// The session's variant: the one it has, or a weighted draw recorded once for good (two
    /// concurrent calls get the same answer). Recorded on the session's conversation too.
    /// Session tokens may call it.
    pub async fn assign_variant(
        &self,
        caller: &Caller,
        input: AssignVariant,
    ) -> Result<Assignment> {
        caller.permit_agent(Permission::AppsRead)?;
        let mut checks = Checks::new();
        checks.text("experimentId", &input.experiment_id, 1, MAX_NAME_CHARS);
        checks.text("sessionId", &input.session_id, 1, MAX_NAME_CHARS);
        checks.finish()?;
        self.claim_session(caller, &input.session_id).await?;
        let experiment = self.experiment_record(caller, &input.experiment_id).await?;
        let config_of = |variant_id: &str| {
            experiment
                .variants
                .iter()
                .find(|v| v.id == variant_id)
                .and_then(|v| v.config.clone())
        };
        if let Some(variant_id) = self
            .store()
            .exposure(&experiment.id, &input.session_id)
            .await?
        {
            return Ok(Assignment {
                config: config_of(&variant_id),
                variant_id,
                already_assigned: true,
            });
        }
        if experiment.status != ExperimentStatus::Active.as_str() {
            return Err(Error::Conflict(format!(
                "Experiment is {}: it assigns no new sessions",
                experiment.status
            )));
        }
        let drawn = weighted_pick(&experiment.variants, random_unit()?)
            .ok_or_else(|| Error::Internal("experiment without variants".into()))?;
        let (variant_id, assigned_now) = self
            .store()
            .assign_exposure(
                &new_id(),
                &caller.app.id,
                &experiment.id,
                &input.session_id,
                &drawn.id,
                self.now_ms(),
            )
            .await?;
        self.store()
            .set_conversation_variant(&caller.app.id, &input.session_id, &variant_id)
            .await?;
        Ok(Assignment {
            config: config_of(&variant_id),
            already_assigned: !assigned_now,
            variant_id,
        })
    }
}

impl Services {
    /// Records an experiment's creation or change with its variants.
    async fn audit_experiment(
        &self,
        caller: &Caller,
        action: &'static str,
        experiment: &Experiment,
    ) -> Result<()> {
        let variants: Vec<_> = experiment
            .variants
            .iter()
            .map(|v| serde_json::json!({ "id": v.id, "weight": v.weight }))
            .collect();
        let details = serde_json::json!({ "name": experiment.name, "variants": variants });
        self.audit_change(
            caller,
            action,
            "experiment",
            Some(experiment.id.clone()),
            Some(details),
        )
        .await
    }

    async fn experiment_record(&self, caller: &Caller, id: &str) -> Result<ExperimentRecord> {
        self.store()
            .experiment(&caller.app.id, id)
            .await?
            .ok_or(Error::NotFound("experiment"))
    }
}

fn check_experiment(name: &str, description: Option<&str>, variants: &[Variant]) -> Result<()> {
    let mut checks = Checks::new();
    checks.text("name", name, 1, MAX_NAME_CHARS);
    checks.optional_text("description", description, 2_000);
    if !(2..=MAX_VARIANTS).contains(&variants.len()) {
        checks.fail(
            "variants",
            format!("must hold 2 to {MAX_VARIANTS} variants"),
        );
    }
    let mut seen = HashSet::new();
    for (index, variant) in variants.iter().enumerate() {
        checks.text(format!("variants[{index}].id"), &variant.id, 1, 100);
        if !seen.insert(variant.id.as_str()) {
            checks.fail(format!("variants[{index}].id"), "must be unique");
        }
        if !(variant.weight.is_finite() && variant.weight > 0.0) {
            checks.fail(
                format!("variants[{index}].weight"),
                "must be a positive number",
            );
        }
        if let Some(config) = &variant.config
            && serde_json::to_string(config).map_or(0, |s| s.len()) > MAX_CONFIG_BYTES
        {
            checks.fail(
                format!("variants[{index}].config"),
                format!("must be at most {MAX_CONFIG_BYTES} bytes of JSON"),
            );
        }
    }
    checks.finish()
}

/// The variant whose cumulative weight range holds `unit` ∈ [0, 1) of the total.
fn weighted_pick(variants: &[Variant], unit: f64) -> Option<&Variant> {
    let total: f64 = variants.iter().map(|v| v.weight).sum();
    let mut remaining = unit * total;
    for variant in variants {
        if remaining < variant.weight {
            return Some(variant);
        }
        remaining -= variant.weight;
    }
    variants.last()
}

/// A uniform number in [0, 1) from the OS's random source.
fn random_unit() -> Result<f64> {
    let bits = getrandom::u64()
        .map_err(|err| Error::Internal(format!("no system randomness: {err}").into()))?;
    // The top 53 bits fill an f64 mantissa exactly.
    Ok((bits >> 11) as f64 / (1u64 << 53) as f64)
}

fn to_experiment(record: ExperimentRecord, outcomes: Vec<VariantOutcome>) -> Experiment {
    let status = ExperimentStatus::parse(&record.status).unwrap_or(ExperimentStatus::Ended);
    let variants = record.variants;
    // Every variant is listed, exposed or not, in the experiment's order.
    let results: Vec<VariantResult> = variants
        .iter()
        .map(|variant| {
            let outcome = outcomes.iter().find(|o| o.variant_id == variant.id);
            let rate = |count: i64| {
                outcome
                    .filter(|o| o.conversations > 0)
                    .map(|o| count as f64 / o.conversations as f64)
            };
            VariantResult {
                variant_id: variant.id.clone(),
                exposures: outcome.map_or(0, |o| o.exposures),
                conversations: outcome.map_or(0, |o| o.conversations),
                resolution_rate: rate(outcome.map_or(0, |o| o.resolved)),
                handoff_rate: rate(outcome.map_or(0, |o| o.handed_off)),
                avg_csat: outcome.and_then(|o| o.avg_csat),
                csat_ratings: outcome.map_or(0, |o| o.ratings),
            }
        })
        .collect();
    let groups: Vec<(i64, i64)> = variants
        .iter()
        .map(|variant| {
            outcomes
                .iter()
                .find(|o| o.variant_id == variant.id)
                .map_or((0, 0), |o| (o.resolved, o.conversations - o.resolved))
        })
        .collect();
    let p_value = chi_square_p_value(&groups);
    Experiment {
        id: record.id,
        name: record.name,
        description: record.description,
        variants,
        is_active: status == ExperimentStatus::Active,
        status,
        created_at: record.created_at,
        updated_at: record.updated_at,
        ended_at: record.ended_at,
        results: ExperimentResults {
            variants: results,
            significant: p_value.is_some_and(|p| p < SIGNIFICANCE_LEVEL),
            p_value,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(id: &str, weight: f64) -> Variant {
        Variant {
            id: id.to_owned(),
            weight,
            config: None,
        }
    }

    #[test]
    fn weighted_pick_covers_each_share() {
        let variants = [variant("a", 1.0), variant("b", 3.0)];
        assert_eq!(weighted_pick(&variants, 0.0).unwrap().id, "a");
        assert_eq!(weighted_pick(&variants, 0.249).unwrap().id, "a");
        assert_eq!(weighted_pick(&variants, 0.25).unwrap().id, "b");
        assert_eq!(weighted_pick(&variants, 0.999_999).unwrap().id, "b");
    }

    #[test]
    fn draws_follow_the_weights() {
        let variants = [variant("a", 1.0), variant("b", 3.0)];
        let draws = 20_000;
        let a = (0..draws)
            .filter(|_| weighted_pick(&variants, random_unit().unwrap()).unwrap().id == "a")
            .count();
        let share = a as f64 / draws as f64;
        // 25 % ± 5 standard deviations (0.3 % each).
        assert!((0.235..0.265).contains(&share), "{share}");
    }
}
