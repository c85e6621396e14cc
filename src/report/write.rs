//! Writing results so that nothing is ever left half-written.
//!
//! - A command's output folder is replaced as a whole ([`OutputSet`]): every file goes into a hidden
//!   staging folder beside it (`.NAME.staging-PID`, same parent, so on the same file system), is flushed to
//!   disk, and the staging folder is then swapped in (the old folder renamed aside to `.NAME.old-PID`, the
//!   staging folder renamed to NAME, the old one removed). The folder holds the earlier results or the new
//!   ones, never a mix, whatever happens on the way: an error, a full disk, Ctrl-C, a kill.
//! - Because the whole folder is replaced, it may hold only what supportsim writes there
//!   ([`RESULT_NAMES`], plots/ of charts): a folder holding anything else (`--out .`, `--out output`, a
//!   user's notes, the parts of a sharded run) is refused before a run ([`OutputSet::check`]), so no file
//!   supportsim did not write is ever deleted.
//! - A killed process leaves the old output intact plus at most its staging folder (or, killed between the
//!   two renames, the old folder under `.NAME.old-PID`): the next write into the same place removes the
//!   leftovers of processes that are gone (or puts the old folder back) before it starts.
//! - Single files (a shard's part, a call log, a calibrated scenario) are written atomically
//!   ([`write_atomic`]): to `.NAME.tmp-PID` beside them, then renamed.
//! - What is being written is registered, so that a process interrupted by a signal removes it before it
//!   exits ([`abandon_writes`]); a swap in progress finishes first.
//! - One process at a time writes an output folder: [`OutputSet::reserve`] (before the run) or
//!   [`OutputSet::begin`] takes an exclusive lock on `.NAME.lock` beside it (an advisory `flock` through fs4,
//!   holding the holder's process id), kept until the set is committed or dropped. A
//!   second process finds it held and is refused ([`OutputError::Busy`], naming the folder and the
//!   holder). The operating system releases the lock of a process that dies however it dies, so a lock
//!   file left by a killed process blocks nothing: the next writer locks it and removes it when done.

use crate::experiment::shard::fnv1a;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The files a command writes into its output folder (run, compare, sweep, plan, backtest and merge),
/// besides [`PLOTS`]. An output folder may hold only these (and leftovers of supportsim's own writes).
pub const RESULT_NAMES: &[&str] = &[
    "report.html",
    // run
    "summary.json",
    "intervals.csv",
    "groups.csv",
    "results.xlsx",
    "scenario.toml",
    // `run --calls out/calls.csv`: the call log beside the run it belongs to (written after the swap; the
    // next run into the folder replaces it with the rest).
    "calls.csv",
    // compare
    "comparison.json",
    "comparison.csv",
    "comparison.xlsx",
    "timeline.json",
    "timeline.csv",
    // sweep
    "sweep.csv",
    "sweep.json",
    "sweep.xlsx",
    // plan
    "plan.csv",
    "shifts.csv",
    "plan.json",
    "planned.toml",
    "plan.xlsx",
    // backtest
    "predictions.csv",
    "scorecard.csv",
];

/// The charts' folder in an output folder: PNG and SVG files only.
pub const PLOTS: &str = "plots";

/// The longest name, in bytes, supportsim derives from a user's name for a file (a chart named after a
/// channel) or a hidden staging folder, before its suffix: well inside the 255 bytes file systems allow.
pub const MAX_NAME_BYTES: usize = 100;

/// `name` if it has at most `max` bytes, else its first bytes (cut at a character boundary) and a short
/// stable hash of the whole of `hash_of` (`-1a2b3c4d`), `max` bytes at most: two long names that share
/// their beginning still differ.
pub fn shorten(name: &str, hash_of: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let h = fnv1a(hash_of.as_bytes());
    let hash = format!("-{:08x}", (h >> 32) ^ (h & 0xffff_ffff));
    let mut cut = max.saturating_sub(hash.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{hash}", name[..cut].trim_end_matches('-'))
}

/// Why an output folder cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("--out {}: a file is there, not a folder: give a folder for the results", .0.display())]
    IsFile(PathBuf),
    #[error(
        "--out {}: {} is a file, not a folder: give a folder path for the results",
        .path.display(), .file.display()
    )]
    UnderFile { path: PathBuf, file: PathBuf },
    #[error(
        "--out {}: cannot write in {}: {source}; give a folder that can be written",
        .path.display(), .dir.display()
    )]
    NotWritable {
        path: PathBuf,
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "--out {}: holds files supportsim did not write ({names}): the results replace the whole folder, so it may hold only supportsim's results; give a new or empty folder, or move those files out",
        .path.display()
    )]
    Foreign { path: PathBuf, names: String },
    #[error(
        "--out {}: holds the parts of a sharded run ({names}): the results replace the whole folder; write them into another folder",
        .path.display()
    )]
    Parts { path: PathBuf, names: String },
    #[error(
        "--out {}: is the current folder or holds it: the results replace the whole folder; give a folder inside it, such as --out results",
        .0.display()
    )]
    HoldsCurrent(PathBuf),
    #[error(
        "--out {}: is a mount point: the results replace the whole folder, which cannot be done to a mount point; give a folder inside it",
        .0.display()
    )]
    MountPoint(PathBuf),
    #[error(
        "--out {}: names no folder that can be replaced; give a folder path such as output/run",
        .0.display()
    )]
    NoName(PathBuf),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} was not put in place: the process is being interrupted", .0.display())]
    Interrupted(PathBuf),
    #[error(
        "--out {}: another supportsim ({}) is writing its results there (lock {}): wait for it to finish, or give another folder",
        .path.display(),
        .pid.map_or("another process".to_string(), |p| format!("process {p}")),
        .lock.display()
    )]
    Busy {
        path: PathBuf,
        lock: PathBuf,
        pid: Option<u32>,
    },
}

/// Temporary files and staging folders this process is writing: removed by [`abandon_writes`].
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// For a process that is about to exit on a signal: removes every temporary file and staging folder it is
/// writing, and returns the registry locked. Hold the guard until the process exits: no write can then
/// be put in place (a swap in progress has finished before this returns), so output folders stay as
/// they were or complete.
pub fn abandon_writes() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut held = in_flight();
    for path in held.drain(..) {
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
    // The lock files go too (the locks themselves end with the process).
    for (_, path, _) in locks().iter() {
        let _ = std::fs::remove_file(path);
    }
    held
}

/// The output-folder locks this process holds: (output folder, lock file path, the locked file).
static LOCKS: Mutex<Vec<(PathBuf, PathBuf, std::fs::File)>> = Mutex::new(Vec::new());

fn locks() -> MutexGuard<'static, Vec<(PathBuf, PathBuf, std::fs::File)>> {
    LOCKS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `.NAME.lock`: the lock file of output folder `name`, beside it.
fn lock_name(name: &str) -> String {
    format!(".{}.lock", shorten(name, name, MAX_NAME_BYTES))
}

/// Takes the lock of output folder `target` (see the module notes) unless this process holds it; refuses
/// with [`OutputError::Busy`] when another process does. Without the parent folder (nobody can be writing
/// there yet) nothing is locked now: [`OutputSet::begin`] locks once it has made the folder. A file system
/// without locks is written without one.
fn take_lock(target: &Target) -> Result<(), OutputError> {
    let mut held = locks();
    if held.iter().any(|(t, ..)| t == &target.path) || !target.parent.is_dir() {
        return Ok(());
    }
    let path = target.parent.join(lock_name(&target.name));
    let write_err = |source| OutputError::Write {
        path: path.clone(),
        source,
    };
    // A few tries: the holder removes the file when it is done, and we may have opened it just before.
    for _ in 0..10 {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(write_err)?;
        // fs4's flock (std's File::try_lock is newer than this crate's rust-version).
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut file, &mut text);
                return Err(OutputError::Busy {
                    path: target.shown.clone(),
                    lock: path,
                    pid: text.trim().parse().ok(),
                });
            }
            // No locks on this file system (some network mounts): written without one.
            Err(fs4::TryLockError::Error(_)) => return Ok(()),
        }
        if !same_file(&file, &path) {
            continue; // removed by its holder after we opened it: lock the new one
        }
        file.set_len(0).map_err(write_err)?;
        write!(file, "{}", std::process::id()).map_err(write_err)?;
        held.push((target.path.clone(), path, file));
        return Ok(());
    }
    Ok(())
}

/// Whether the open `file` is still the file at `path`.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// Releases this process's lock of output folder `target`: the lock file is removed while still locked
/// (a process that opened it meanwhile sees that and locks a new one), then unlocked.
fn release_lock(target: &Path) {
    let mut held = locks();
    if let Some(i) = held.iter().position(|(t, ..)| t == target) {
        let (_, path, file) = held.remove(i);
        let _ = std::fs::remove_file(&path);
        drop(file);
    }
}

/// `.NAME.TAG-PID`: a hidden name beside `name` for this process's temporary copy of it.
fn hidden(name: &str, tag: &str, pid: u32) -> String {
    format!(
        ".{}{}{pid}",
        shorten(name, name, MAX_NAME_BYTES),
        leftover_tag(tag)
    )
}

fn leftover_tag(tag: &str) -> String {
    format!(".{tag}-")
}

/// The process id in `entry` if it is a leftover `.NAME.TAG-PID` of `name`.
fn leftover_pid(entry: &str, name: &str, tag: &str) -> Option<u32> {
    let prefix = format!(
        ".{}{}",
        shorten(name, name, MAX_NAME_BYTES),
        leftover_tag(tag)
    );
    let pid = entry.strip_prefix(&prefix)?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether the leftover `path` of process `pid` may belong to a process still running (then it is left
/// alone). With /proc, whether the process exists; without, leftovers younger than a day are kept.
fn may_be_running(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age.as_secs() < 24 * 3600)
}

/// Removes (or, for an old folder renamed aside with no output in its place, puts back) the leftovers of
/// writes to `dir/name` by processes that are gone: `.NAME.staging-PID`, `.NAME.old-PID`, `.NAME.tmp-PID`.
fn clean_leftovers(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let target = dir.join(name);
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        for tag in ["staging", "old", "tmp"] {
            let Some(pid) = leftover_pid(&entry_name, name, tag) else {
                continue;
            };
            if may_be_running(pid, &path) {
                continue;
            }
            if tag == "old" && std::fs::symlink_metadata(&target).is_err() {
                // Killed between renaming the old folder aside and the new one in: the old one goes back.
                let _ = std::fs::rename(&path, &target);
            } else if path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Whether `name`, in an output folder, is a leftover of supportsim's own writes by earlier versions
/// (`.NAME.tmp-PID` files, `.plots-tmp-PID` folders).
fn earlier_leftover(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    rest.strip_prefix("plots-tmp-").is_some_and(digits)
        || rest
            .rsplit_once(".tmp-")
            .is_some_and(|(_, pid)| digits(pid))
}

/// `part-NNNN-of-NNNN.json`: a shard's part.
fn is_part(name: &str) -> bool {
    name.strip_prefix("part-")
        .and_then(|r| r.strip_suffix(".json"))
        .and_then(|r| r.split_once("-of-"))
        .is_some_and(|(i, n)| {
            [i, n]
                .iter()
                .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// What in folder `dir` supportsim did not write there: (other entries, shard parts), each sorted.
fn not_ours(dir: &Path) -> std::io::Result<(Vec<String>, Vec<String>)> {
    let (mut other, mut parts) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        if kind.is_file() && (RESULT_NAMES.contains(&name.as_str()) || earlier_leftover(&name)) {
            continue;
        }
        if kind.is_dir() && earlier_leftover(&name) {
            continue;
        }
        if kind.is_dir() && name == PLOTS {
            for chart in std::fs::read_dir(entry.path())? {
                let chart = chart?;
                let chart_name = chart.file_name().to_string_lossy().into_owned();
                let drawn = chart_name.ends_with(".png") || chart_name.ends_with(".svg");
                if !(chart.file_type()?.is_file() && (drawn || earlier_leftover(&chart_name))) {
                    other.push(format!("{PLOTS}/{chart_name}"));
                }
            }
            continue;
        }
        if kind.is_file() && is_part(&name) {
            parts.push(name);
        } else {
            other.push(name);
        }
    }
    other.sort();
    parts.sort();
    Ok((other, parts))
}

/// At most five names, then how many more.
fn some(names: &[String]) -> String {
    let mut text = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        text.push_str(&format!(" and {} more", names.len() - 5));
    }
    text
}

/// An output folder as given and as it is on disk.
struct Target {
    /// As the user gave it (for messages).
    shown: PathBuf,
    /// Absolute, symbolic links resolved: the folder that is replaced.
    path: PathBuf,
    /// Its parent, where the staging folder goes.
    parent: PathBuf,
    /// Its file name.
    name: String,
    /// The closest folder that exists: the parent, or an ancestor where the first missing folder is made.
    existing: PathBuf,
}

impl Target {
    /// Where `out` is, or refuses it: under a file, a file itself, no folder name.
    fn resolve(out: &Path) -> Result<Target, OutputError> {
        let shown = out.to_path_buf();
        let mut existing = None;
        for ancestor in out.ancestors() {
            let dir = if ancestor.as_os_str().is_empty() {
                Path::new(".")
            } else {
                ancestor
            };
            if std::fs::symlink_metadata(dir).is_ok() {
                existing = Some((ancestor, dir));
                break;
            }
        }
        let Some((ancestor, dir)) = existing else {
            return Err(OutputError::NoName(shown));
        };
        let is_target = ancestor == out;
        if !dir.is_dir() {
            return Err(if is_target {
                OutputError::IsFile(shown)
            } else {
                OutputError::UnderFile {
                    path: shown,
                    file: dir.to_path_buf(),
                }
            });
        }
        let real = std::fs::canonicalize(dir).map_err(|source| OutputError::NotWritable {
            path: shown.clone(),
            dir: dir.to_path_buf(),
            source,
        })?;
        let mut path = real.clone();
        for part in out
            .strip_prefix(ancestor)
            .unwrap_or(Path::new(""))
            .components()
        {
            match part {
                Component::Normal(p) => path.push(p),
                Component::CurDir => {}
                _ => return Err(OutputError::NoName(shown)),
            }
        }
        let (Some(name), Some(parent)) = (path.file_name(), path.parent()) else {
            return Err(OutputError::NoName(shown));
        };
        let name = name.to_string_lossy().into_owned();
        let parent = parent.to_path_buf();
        let existing = if is_target {
            parent.clone()
        } else {
            let mut e = path.clone();
            while !e.is_dir() {
                if !e.pop() {
                    break;
                }
            }
            e
        };
        Ok(Target {
            shown,
            path,
            parent,
            name,
            existing,
        })
    }

    /// Refuses a folder that holds what supportsim did not write, or that cannot be swapped (the current
    /// folder, a mount point).
    fn check_replaceable(&self) -> Result<(), OutputError> {
        if !self.path.is_dir() {
            return Ok(());
        }
        if std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .is_ok_and(|cwd| cwd.starts_with(&self.path))
        {
            return Err(OutputError::HoldsCurrent(self.shown.clone()));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
            if dev(&self.path) != dev(&self.parent) {
                return Err(OutputError::MountPoint(self.shown.clone()));
            }
        }
        let (other, parts) = not_ours(&self.path).map_err(|source| OutputError::NotWritable {
            path: self.shown.clone(),
            dir: self.path.clone(),
            source,
        })?;
        if !other.is_empty() {
            return Err(OutputError::Foreign {
                path: self.shown.clone(),
                names: some(&other),
            });
        }
        if !parts.is_empty() {
            return Err(OutputError::Parts {
                path: self.shown.clone(),
                names: some(&parts),
            });
        }
        Ok(())
    }

    /// Whether a folder can be made where it is needed: one is made and removed again.
    fn probe(&self) -> Result<(), OutputError> {
        let probe = self
            .existing
            .join(hidden(&self.name, "probe", std::process::id()));
        match std::fs::create_dir(&probe) {
            Ok(()) => {
                let _ = std::fs::remove_dir(&probe);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(source) => Err(OutputError::NotWritable {
                path: self.shown.clone(),
                dir: self.existing.clone(),
                source,
            }),
        }
    }
}

/// Refuses, before anything runs, a folder that single files will be written into (a shard's part) but
/// that is a file, lies under a file, or cannot be written. Nothing is left behind.
pub fn check_folder(out: &Path) -> Result<(), OutputError> {
    Target::resolve(out)?.probe()
}

/// A command's output folder being written: the files go into a staging folder ([`OutputSet::dir`]) and
/// [`OutputSet::commit`] swaps it in. Dropped without a commit (an error on the way), the staging folder
/// is removed and the earlier output stays as it was.
#[derive(Debug)]
pub struct OutputSet {
    target: PathBuf,
    shown: PathBuf,
    parent: PathBuf,
    name: String,
    staging: PathBuf,
    committed: bool,
}

impl OutputSet {
    /// Refuses, before anything runs, an output folder that cannot be written or replaced as a whole: a
    /// file, under a file, not writable, the current folder or a mount point, or one holding what
    /// supportsim did not write (its files are never deleted). Nothing is left behind.
    pub fn check(out: &Path) -> Result<(), OutputError> {
        let target = Target::resolve(out)?;
        target.check_replaceable()?;
        target.probe()
    }

    /// [`OutputSet::check`], and takes the folder's lock for this process (module notes) so that no other
    /// supportsim writes it until this one has: for the check before a run. Refused with
    /// [`OutputError::Busy`] when another process holds it. The lock is released when the set this
    /// process then begins is committed or dropped, or when the process ends.
    pub fn reserve(out: &Path) -> Result<(), OutputError> {
        let target = Target::resolve(out)?;
        target.check_replaceable()?;
        target.probe()?;
        take_lock(&target)
    }

    /// Starts writing the output folder `out`: checks it again ([`OutputSet::check`]), takes its lock
    /// unless this process holds it ([`OutputSet::reserve`]), removes what processes that are gone left of
    /// their writes there, and makes the empty staging folder.
    pub fn begin(out: &Path) -> Result<OutputSet, OutputError> {
        let target = Target::resolve(out)?;
        target.check_replaceable()?;
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Write { path, source }
        };
        std::fs::create_dir_all(&target.parent).map_err(write_err(&target.parent))?;
        take_lock(&target)?;
        clean_leftovers(&target.parent, &target.name);
        let staging = target
            .parent
            .join(hidden(&target.name, "staging", std::process::id()));
        in_flight().push(staging.clone());
        let set = OutputSet {
            target: target.path,
            shown: target.shown,
            parent: target.parent,
            name: target.name,
            staging,
            committed: false,
        };
        // A folder of this process id can only be a leftover of a process long gone.
        let _ = std::fs::remove_dir_all(&set.staging);
        std::fs::create_dir(&set.staging).map_err(write_err(&set.staging))?;
        Ok(set)
    }

    /// The staging folder: write the results here (by name, as they will be in the output folder).
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The output folder as the user gave it, for messages.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// Writes the file `name` into the staging folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.staging.join(name);
        std::fs::write(&path, bytes).map_err(|source| OutputError::Write {
            path: self.shown.join(name),
            source,
        })
    }

    /// Flushes every file of the staging folder to disk and swaps it in for the output folder, whose old
    /// content is removed. On failure the old output stays as it was and the staging folder is removed.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Write { path, source }
        };
        // Only supportsim's results: so that the next run into this folder does not refuse it.
        let (other, parts) = not_ours(&self.staging).map_err(err(&self.staging))?;
        if let Some(name) = other.iter().chain(&parts).next() {
            return Err(OutputError::Write {
                path: self.shown.join(name),
                source: std::io::Error::other(
                    "not one of supportsim's result files (report::write::RESULT_NAMES)",
                ),
            });
        }
        sync_tree(&self.staging).map_err(err(&self.shown))?;
        let old = self
            .parent
            .join(hidden(&self.name, "old", std::process::id()));
        let mut held = in_flight();
        if !held.contains(&self.staging) {
            return Err(OutputError::Interrupted(self.shown.clone()));
        }
        let _ = std::fs::remove_dir_all(&old);
        let moved = match std::fs::rename(&self.target, &old) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(source) => return Err(err(&self.shown)(source)),
        };
        if moved {
            // Checked again once aside, where nothing else writes: a file put into the folder during the
            // run is not deleted.
            if let Ok((other, parts)) = not_ours(&old)
                && !(other.is_empty() && parts.is_empty())
            {
                let _ = std::fs::rename(&old, &self.target);
                let mut names = other;
                names.extend(parts);
                return Err(OutputError::Foreign {
                    path: self.shown.clone(),
                    names: some(&names),
                });
            }
        }
        if let Err(source) = std::fs::rename(&self.staging, &self.target) {
            if moved {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(err(&self.shown)(source));
        }
        held.retain(|p| p != &self.staging);
        self.committed = true;
        sync_dir(&self.parent);
        if moved {
            let _ = std::fs::remove_dir_all(&old);
        }
        drop(held);
        release_lock(&self.target);
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let mut held = in_flight();
        let _ = std::fs::remove_dir_all(&self.staging);
        held.retain(|p| p != &self.staging);
        drop(held);
        release_lock(&self.target);
    }
}

/// Flushes every file under `dir`, and the folders, to disk.
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            std::fs::File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Flushes a folder's entries to disk where the platform can (opening a folder fails on some).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Writes one file atomically: to `.NAME.tmp-PID` in the same folder, flushed, then renamed into place, so
/// a reader never sees half a file. Leftovers of processes that are gone are removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    clean_leftovers(dir, &name);
    let tmp = dir.join(hidden(&name, "tmp", std::process::id()));
    in_flight().push(tmp.clone());
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    let mut held = in_flight();
    let result = written.and_then(|()| {
        if held.contains(&tmp) {
            std::fs::rename(&tmp, path)
        } else {
            Err(std::io::Error::other("interrupted"))
        }
    });
    held.retain(|p| p != &tmp);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_locked_by_another_holder_is_refused_and_free_once_released() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        // Another "process": a lock taken on its own open file (flock locks are per open file).
        let lock = dir.path().join(".out.lock");
        let other = std::fs::File::create(&lock).expect("create");
        fs4::FileExt::try_lock(&other).expect("free");
        std::fs::write(&lock, "4242").expect("pid");
        match OutputSet::reserve(&out) {
            Err(OutputError::Busy { pid, .. }) => assert_eq!(pid, Some(4242)),
            r => panic!("{r:?}"),
        }
        assert!(matches!(
            OutputSet::begin(&out),
            Err(OutputError::Busy { .. })
        ));
        drop(other); // released (as when its process dies), the file left behind
        OutputSet::reserve(&out).expect("free now");
        assert_eq!(
            std::fs::read_to_string(&lock).expect("ours"),
            std::process::id().to_string()
        );
        let set = OutputSet::begin(&out).expect("held by this process: begin goes on");
        set.write("summary.json", b"{}").expect("write");
        set.commit().expect("commit");
        assert!(!lock.exists(), "released and removed at commit");
        assert!(out.join("summary.json").is_file());
    }

    #[test]
    fn short_names_stay_and_long_ones_are_cut_with_a_hash() {
        assert_eq!(shorten("phone", "phone", 100), "phone");
        let a = format!("{}a", "x".repeat(240));
        let b = format!("{}b", "x".repeat(240));
        let (sa, sb) = (shorten(&a, &a, 100), shorten(&b, &b, 100));
        assert!(sa.len() <= 100 && sb.len() <= 100, "{sa}");
        assert_ne!(sa, sb);
        assert_eq!(sa, shorten(&a, &a, 100), "stable");
        // Cut at a character boundary: é is two bytes.
        let e = "é".repeat(200);
        let se = shorten(&e, &e, 100);
        assert!(se.len() <= 100 && se.starts_with("éé"), "{se}");
    }

    #[test]
    fn leftovers_are_recognised_by_name_and_pid() {
        assert_eq!(
            leftover_pid(".run.staging-123", "run", "staging"),
            Some(123)
        );
        assert_eq!(leftover_pid(".run.staging-", "run", "staging"), None);
        assert_eq!(
            leftover_pid(".run.staging-1.staging-2", "run", "staging"),
            None
        );
        assert_eq!(leftover_pid(".run.old-7", "run", "staging"), None);
        assert!(earlier_leftover(".summary.json.tmp-42"));
        assert!(earlier_leftover(".plots-tmp-42"));
        assert!(!earlier_leftover(".notes"));
        assert!(!earlier_leftover("summary.json.tmp-42"));
        assert!(is_part("part-0001-of-0004.json"));
        assert!(!is_part("part-a-of-0004.json"));
    }
}
