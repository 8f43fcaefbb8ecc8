//! The key that seals secrets at rest: `SECRET_KEY`, or else a key file, created with mode
//! 0600 on first start (`data/secret.key` by default).
//!
//! A key file holds one key per line: the first seals, the others only open what they sealed
//! (a `rekey` that was interrupted leaves the old key there). `SECRET_KEY_PREVIOUS` plays that
//! part for a key given in the environment.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use domain::platform::encryption::{Keyring, SecretKey};

use crate::config::Config;

/// The configured keyring, creating the key file on first start.
pub fn load(config: &Config) -> Result<Keyring, String> {
    let previous = parse_keys(config.secret_key_previous.as_deref().unwrap_or_default())?;
    if let Some(text) = &config.secret_key {
        let current = SecretKey::parse(text).map_err(|e| format!("SECRET_KEY: {e}"))?;
        return Ok(Keyring::new(current, previous));
    }
    let path = Path::new(&config.secret_key_file);
    let mut keys = match std::fs::read_to_string(path) {
        Ok(text) => parse_keys(&text).map_err(|e| format!("{}: {e}", path.display()))?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => create_key_file(path)?,
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    if keys.is_empty() {
        return Err(format!("{} holds no key", path.display()));
    }
    let current = keys.remove(0);
    keys.extend(previous);
    Ok(Keyring::new(current, keys))
}

/// Keys, one per line or separated by commas; blank lines are skipped.
fn parse_keys(text: &str) -> Result<Vec<SecretKey>, String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(SecretKey::parse)
        .collect()
}

/// Creates the key file with a new key. Servers sharing a data folder may start at once: the
/// file is linked into place only if absent, and whoever loses reads the winner's key.
fn create_key_file(path: &Path) -> Result<Vec<SecretKey>, String> {
    let key = SecretKey::generate().map_err(|e| e.to_string())?;
    let temporary = write_temporary(path, std::slice::from_ref(&key))?;
    let linked = std::fs::hard_link(&temporary, path);
    // The temporary name is ours alone; a leftover would only be clutter.
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            tracing::info!(file = %path.display(), "created the key that seals secrets at rest");
            Ok(vec![key])
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            parse_keys(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
        Err(err) => Err(format!("cannot create {}: {err}", path.display())),
    }
}

/// Writes `keys` to `path` (mode 0600) through a temporary file, so a crash leaves either the
/// old file or the new one.
pub fn write_key_file(path: &Path, keys: &[SecretKey]) -> Result<(), String> {
    let temporary = write_temporary(path, keys)?;
    std::fs::rename(&temporary, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))
}

/// Writes `keys` (mode 0600) to a file beside `path`, named for this process and call alone.
fn write_temporary(path: &Path, keys: &[SecretKey]) -> Result<std::path::PathBuf, String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    let temporary = path.with_extension(format!("tmp.{}.{write}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&temporary)
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    let text: String = keys
        .iter()
        .map(|key| format!("{}\n", key.encode()))
        .collect();
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    Ok(temporary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_created_once_with_mode_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/secret.key");
        let first = write_and_load(&path);
        let second = write_and_load(&path);
        assert_eq!(first.current(), second.current());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_first_line_seals_and_the_others_still_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let old = SecretKey::generate().unwrap();
        let sealed = Keyring::new(old.clone(), Vec::new())
            .seal("c", "secret")
            .unwrap();
        let new = SecretKey::generate().unwrap();
        write_key_file(&path, &[new.clone(), old]).unwrap();
        let keyring = write_and_load(&path);
        assert_eq!(keyring.current(), &new);
        assert_eq!(keyring.open("c", &sealed).unwrap(), "secret");
    }

    #[test]
    fn servers_starting_at_once_agree_on_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/secret.key");
        let keyrings: Vec<Keyring> = std::thread::scope(|scope| {
            let starts: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| write_and_load(&path)))
                .collect();
            starts
                .into_iter()
                .map(|start| start.join().unwrap())
                .collect()
        });
        for keyring in &keyrings {
            assert_eq!(keyring.current(), keyrings[0].current());
        }
        let on_disk = write_and_load(&path);
        assert_eq!(on_disk.current(), keyrings[0].current());
        let leftovers = std::fs::read_dir(dir.path().join("data")).unwrap().count();
        assert_eq!(leftovers, 1, "only the key file remains");
    }

    fn write_and_load(path: &Path) -> Keyring {
        let mut config = crate::config::tests::config(&[]);
        config.secret_key_file = path.display().to_string();
        load(&config).unwrap()
    }
}
