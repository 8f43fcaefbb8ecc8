//! A tool's headers: checked when saved, and their values sealed at rest, since they carry
//! customers' API keys.

use serde_json::{Map, Value};
use store::ToolRecord;

use super::PLATFORM_HEADERS;
use crate::agent::Agent;
use crate::validation::Checks;
use crate::{Result, Services};

const MAX_HEADERS: usize = 20;

impl Agent<'_> {
    /// Seals every stored header value under the current key: plain ones stored before
    /// secrets were sealed, and ones sealed under an older key. Answers how many tools it
    /// resealed.
    pub async fn reseal_tool_headers(&self) -> Result<usize> {
        let mut resealed = 0;
        for tool in self.store().tools_with_headers().await? {
            let Some(stored) = &tool.headers else {
                continue;
            };
            let current = stored
                .values()
                .all(|value| value.as_str().is_some_and(|v| self.keyring().is_current(v)));
            if current {
                continue;
            }
            let opened = self.open_headers(&tool.app_id, &tool)?;
            let Some(sealed) = self.seal_headers(&tool.app_id, &tool.name, opened)? else {
                continue;
            };
            if self
                .store()
                .replace_tool_headers_if(&tool.id, tool.updated_at, &sealed)
                .await?
            {
                resealed += 1;
            }
        }
        Ok(resealed)
    }
}

impl Services {
    /// `headers` with every value sealed, ready to store.
    pub(crate) fn seal_headers(
        &self,
        app_id: &str,
        tool: &str,
        headers: Option<Map<String, Value>>,
    ) -> Result<Option<Map<String, Value>>> {
        let Some(headers) = headers else {
            return Ok(None);
        };
        let mut sealed = Map::with_capacity(headers.len());
        for (name, value) in headers {
            let plain = value.as_str().unwrap_or_default();
            let value = self
                .keyring()
                .seal(&header_context(app_id, tool, &name), plain)?;
            sealed.insert(name, Value::String(value));
        }
        Ok(Some(sealed))
    }

    /// A stored tool's headers with their values opened, to call it or edit them.
    pub(crate) fn open_headers(
        &self,
        app_id: &str,
        tool: &ToolRecord,
    ) -> Result<Option<Map<String, Value>>> {
        let Some(headers) = &tool.headers else {
            return Ok(None);
        };
        let mut opened = Map::with_capacity(headers.len());
        for (name, value) in headers {
            let stored = value.as_str().unwrap_or_default();
            let value = self
                .keyring()
                .open(&header_context(app_id, &tool.name, name), stored)?;
            opened.insert(name.clone(), Value::String(value));
        }
        Ok(Some(opened))
    }
}

/// Where a header value is stored, bound into its seal.
pub(crate) fn header_context(app_id: &str, tool: &str, header: &str) -> String {
    format!("tools.headers/{app_id}/{tool}/{header}")
}

pub(super) fn check_headers(headers: &Map<String, Value>, checks: &mut Checks) {
    if headers.len() > MAX_HEADERS {
        checks.fail(
            "headers",
            format!("must hold at most {MAX_HEADERS} headers"),
        );
    }
    for (name, value) in headers {
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        let valid_value = value
            .as_str()
            .is_some_and(|v| v.len() <= 4_096 && !v.contains(['\r', '\n']));
        if !valid_name || !valid_value {
            checks.fail(
                format!("headers.{name}"),
                "must be a header name with a string value",
            );
        } else if PLATFORM_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            checks.fail(format!("headers.{name}"), "is set by Switchboard");
        }
    }
}
