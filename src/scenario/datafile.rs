//! Reading the text files a scenario names (the scenario itself, empirical samples, forecasts): regular
//! files only, and at most [`MAX_DATA_FILE_BYTES`], so that a path at /dev/zero, a pipe or a directory
//! fails at once with a clear message instead of being read until memory runs out.

use std::io::Read;
use std::path::Path;

/// The largest text file read (256 MiB): far beyond any scenario, sample or forecast.
pub const MAX_DATA_FILE_BYTES: u64 = 256 << 20;

/// Why a text file was not read. The messages follow "PATH: " (the caller names the file).
#[derive(Debug, thiserror::Error)]
pub enum DataFileError {
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("is a directory: name a file")]
    Directory,
    #[error("is not a regular file (a device, a pipe or a socket): name a file of text")]
    NotRegular,
    #[error("is larger than {} MiB: give a smaller file", .max_bytes >> 20)]
    TooLarge { max_bytes: u64 },
    /// 1-based line of the first byte that is not UTF-8.
    #[error("is not UTF-8 text from line {line} on (a binary file?): save it as plain text")]
    NotText { line: usize },
}

/// The text of the regular file at `path` (symbolic links followed), refused beyond
/// [`MAX_DATA_FILE_BYTES`] or when it is not UTF-8.
pub fn read_text_file(path: &Path) -> Result<String, DataFileError> {
    read_text_file_capped(path, MAX_DATA_FILE_BYTES)
}

fn read_text_file_capped(path: &Path, max: u64) -> Result<String, DataFileError> {
    let bytes = read_file(path, max)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        DataFileError::NotText { line }
    })
}

/// The bytes of the regular file at `path` (symbolic links followed), refused when it is a directory, a
/// device, a pipe or a socket, or longer than `max` bytes: for the files that are not text of a scenario
/// (the calibration's call logs, read with their own cap).
pub fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, DataFileError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(DataFileError::Directory);
    }
    if !meta.is_file() {
        return Err(DataFileError::NotRegular);
    }
    let too_large = DataFileError::TooLarge { max_bytes: max };
    if meta.len() > max {
        return Err(too_large);
    }
    let mut bytes = Vec::new();
    // The file may grow between the size check and the read: read one byte past the cap to notice.
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_text_files_are_read() {
        let dir = std::env::temp_dir().join(format!("supportsim-datafile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("a.txt");
        std::fs::write(&file, "1\n2\n").expect("write");
        assert_eq!(read_text_file(&file).expect("reads"), "1\n2\n");
        assert!(matches!(
            read_text_file_capped(&file, 3),
            Err(DataFileError::TooLarge { max_bytes: 3 })
        ));
        assert!(matches!(
            read_text_file(&dir),
            Err(DataFileError::Directory)
        ));
        std::fs::write(&file, b"1\n2\n\xff\n").expect("write");
        assert!(matches!(
            read_text_file(&file),
            Err(DataFileError::NotText { line: 3 })
        ));
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read_text_file(Path::new("/dev/zero")),
                Err(DataFileError::NotRegular)
            ));
        }
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
