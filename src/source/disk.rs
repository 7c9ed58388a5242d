//! Reads the files below a migrations directory on disk: a no-op run over a long history
//! is mostly the system calls made here (a listing and two opens per revision).
//!
//! Folders and files are opened relative to their parent's descriptor (openat), through
//! rustix: the kernel then resolves one name per open, not the whole path from the
//! working directory, and listing a folder takes no fstat (glibc's opendir makes one).
//! On a long history the revision folders are split between threads, whose system calls
//! the kernel serves on every core at once.

use std::fs::File;
use std::io::{Read as _, Seek as _};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;
use std::sync::Arc;
use std::thread;

use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags};

use super::at_once::at_once;
use super::error::SourceError;
use super::tree_file::{FileBytes, TreeFile};

/// Below this many folders per thread, starting a thread costs more than it saves.
const MIN_FOLDERS_PER_THREAD: usize = 64;
/// Each thread costs a stack and a malloc arena; measured on 2 cores only, so stay modest.
const MAX_THREADS: usize = 4;

/// Every file below `root` (hidden files and folders left out), in no particular order.
///
/// The revision folders are read in path order, a contiguous run of them per thread, and
/// the error returned is the first one met in that order: which file a broken directory
/// is reported by does not depend on the threads.
pub(super) fn read_files(root: &Path) -> Result<Vec<TreeFile>, SourceError> {
    read_files_on(root, thread_count)
}

/// [`read_files`] on as many threads as `threads` says for a number of folders.
fn read_files_on(
    root: &Path,
    threads: impl FnOnce(usize) -> usize,
) -> Result<Vec<TreeFile>, SourceError> {
    let root_fd = open_dir(CWD, root).map_err(|source| SourceError::Io {
        path: root.join(""),
        source,
    })?;
    let root = Root {
        path: root,
        fd: root_fd.as_fd(),
    };
    let mut files = Vec::new();
    let mut folders = Vec::new();
    root.list("", &mut Reader::new(&mut files), &mut folders)?;
    folders.sort_unstable();
    let threads = threads(folders.len());
    if threads <= 1 || folders.is_empty() {
        files.extend(root.walk(&folders)?);
        return Ok(files);
    }
    let parts: Vec<&[String]> = folders.chunks(folders.len().div_ceil(threads)).collect();
    let results = thread::scope(|scope| {
        // The first part runs here; a thread the system refuses runs its part here too.
        let spawned: Vec<_> = parts[1..]
            .iter()
            .map(|&part| {
                thread::Builder::new()
                    .spawn_scoped(scope, move || root.walk(part))
                    .map_err(|_| part)
            })
            .collect();
        let mut results = vec![root.walk(parts[0])];
        for handle in spawned {
            results.push(match handle {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(part) => root.walk(part),
            });
        }
        results
    });
    for result in results {
        files.extend(result?);
    }
    Ok(files)
}

fn thread_count(folders: usize) -> usize {
    let wanted = folders / MIN_FOLDERS_PER_THREAD;
    if wanted <= 1 {
        return 1;
    }
    let cores = thread::available_parallelism().map_or(1, usize::from);
    wanted.min(cores).min(MAX_THREADS)
}

fn open_dir(
    parent: impl AsFd,
    path: impl rustix::path::Arg,
) -> std::io::Result<rustix::fd::OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(parent, path, flags, Mode::empty())?)
}

/// The migrations directory: its path for messages, its descriptor for opening below it.
#[derive(Clone, Copy)]
struct Root<'a> {
    path: &'a Path,
    fd: BorrowedFd<'a>,
}

impl Root<'_> {
    /// Reads every file below `folders`, one folder after another.
    fn walk(self, folders: &[String]) -> Result<Vec<TreeFile>, SourceError> {
        let mut files = Vec::new();
        let mut reader = Reader::new(&mut files);
        let mut pending = Vec::new();
        for folder in folders {
            pending.push(folder.clone());
            while let Some(relative) = pending.pop() {
                self.list(&relative, &mut reader, &mut pending)?;
            }
        }
        Ok(files)
    }

    /// Reads the files of the folder at `relative` into `reader` and adds its subfolders
    /// to `folders`.
    fn list(
        self,
        relative: &str,
        reader: &mut Reader<'_>,
        folders: &mut Vec<String>,
    ) -> Result<(), SourceError> {
        let io = |source| SourceError::Io {
            path: self.path.join(relative),
            source,
        };
        let fd = open_dir(self.fd, if relative.is_empty() { "." } else { relative }).map_err(io)?;
        let mut dir = Dir::new(fd).map_err(|e| io(e.into()))?;
        while let Some(entry) = dir.read() {
            let entry = entry.map_err(|e| io(e.into()))?;
            // Names that are not UTF-8 are opened by their lossy text, as the paths
            // users see are: such a file fails to read rather than being read under
            // another name.
            let name = entry.file_name().to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let dir_fd = dir.fd().map_err(|e| io(e.into()))?;
            let is_dir = match entry.file_type() {
                FileType::Unknown => {
                    // Some file systems do not say in the listing; ask, as std does.
                    let stat = rustix::fs::statat(dir_fd, &*name, AtFlags::SYMLINK_NOFOLLOW)
                        .map_err(|e| io(e.into()))?;
                    FileType::from_raw_mode(stat.st_mode) == FileType::Directory
                }
                file_type => file_type == FileType::Directory,
            };
            let path = if relative.is_empty() {
                name.clone().into_owned()
            } else {
                format!("{relative}/{name}")
            };
            if is_dir {
                folders.push(path);
            } else {
                match read_file(dir_fd, &name, &mut reader.chunk) {
                    Ok(bytes) => reader.files.push(TreeFile { path, bytes }),
                    Err(source) => {
                        let path = self.path.join(path);
                        return Err(SourceError::Io { path, source });
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where a walk puts the files it reads, and the buffer it reads them through.
struct Reader<'a> {
    files: &'a mut Vec<TreeFile>,
    /// Zeroed once, not once per file: most migrations are far smaller than it.
    chunk: Vec<u8>,
}

impl<'a> Reader<'a> {
    fn new(files: &'a mut Vec<TreeFile>) -> Self {
        Self {
            files,
            chunk: vec![0; 64 * 1024],
        }
    }
}

/// Reads a whole file in open, read, read (the empty one that says "end"), close.
///
/// `fs::read` and `File::read_to_end` first ask for the size and the position (statx,
/// lseek): a third of the system calls of reading a large history of small files.
/// Reading through `chunk` and copying out also gives a buffer of the file's own size
/// (thousands of migrations would otherwise keep a first guess of 4 KiB each). A file
/// that fills `chunk` is read by [`read_large`] instead.
fn read_file(dir: BorrowedFd<'_>, name: &str, chunk: &mut [u8]) -> std::io::Result<FileBytes> {
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    let mut file = File::from(rustix::fs::openat(dir, name, flags, Mode::empty())?);
    let mut bytes = Vec::new();
    loop {
        match file.read(chunk) {
            Ok(0) => return Ok(bytes.into()),
            Ok(n) if bytes.is_empty() && n == chunk.len() => {
                return read_large(file, &chunk[..n]);
            }
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

/// The rest of a file whose first bytes are `head`, read straight into one allocation of
/// the size the file says it has: the one a script's text then shares (see
/// [`FileBytes::to_text`]). Growing a buffer instead held up to twice the file, and
/// the text copied out of it a third.
fn read_large(mut file: File, head: &[u8]) -> std::io::Result<FileBytes> {
    let size = usize::try_from(file.metadata()?.len()).map_or(head.len(), |n| n.max(head.len()));
    let mut shared = zeroed(size);
    let Some(buffer) = Arc::get_mut(&mut shared) else {
        unreachable!("a new Arc has one owner")
    };
    buffer[..head.len()].copy_from_slice(head);
    let filled = read_in_parts(&file, buffer, head.len())?;
    // The file changed size while it was read: what was read is its text.
    let mut rest = Vec::new();
    file.seek(std::io::SeekFrom::Start(filled as u64))?;
    file.read_to_end(&mut rest)?;
    if filled == size && rest.is_empty() {
        return Ok(FileBytes::Shared(shared));
    }
    let mut bytes = buffer[..filled].to_vec();
    bytes.extend_from_slice(&rest);
    Ok(bytes.into())
}

/// Files from this size on are read in two parts at once.
const SPLIT_READ_BYTES: usize = 8 << 20;

/// Fills `buffer` from `file` at the same offsets, from `from` on; how many bytes were
/// read before the file ended (at most the buffer's length). A long file is read in two
/// halves on two threads: most of a 76 MB file's read is the kernel giving the buffer
/// fresh pages and copying into them, which two cores do in half the time (49 ms alone).
fn read_in_parts(file: &File, buffer: &mut [u8], from: usize) -> std::io::Result<usize> {
    read_in_halves(file, buffer, from, SPLIT_READ_BYTES)
}

/// [`read_in_parts`], splitting reads from `split_from` bytes on.
fn read_in_halves(
    file: &File,
    buffer: &mut [u8],
    from: usize,
    split_from: usize,
) -> std::io::Result<usize> {
    let len = buffer.len();
    if len - from < split_from.max(2) {
        return read_at(file, buffer, 0, from);
    }
    let middle = from + (len - from) / 2;
    let (first, second) = buffer.split_at_mut(middle);
    let (first, second) = at_once(
        || read_at(file, first, 0, from),
        || read_at(file, second, middle as u64, 0),
    );
    let (first, second) = (first?, second?);
    // A file cut short while the first half was read ends where it was cut.
    Ok(if first < middle {
        first
    } else {
        middle + second
    })
}

/// Fills `part`, which holds the file's bytes from `offset` on, from its byte `from` to
/// its end or the file's; how much of `part` is then filled.
fn read_at(file: &File, part: &mut [u8], offset: u64, mut from: usize) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt as _;
    while from < part.len() {
        match file.read_at(&mut part[from..], offset + from as u64) {
            Ok(0) => break,
            Ok(n) => from += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(from)
}

/// `size` zero bytes in a new `Arc`, from the allocator's zeroed memory: fresh pages
/// already read as zero, so a large file's buffer is not written twice (collecting
/// `repeat_n(0, size)` spent a fifth of the read of a 76 MB file setting it to zero).
#[expect(
    unsafe_code,
    reason = "std's only zeroed Arc slice is one of MaybeUninit, whose zeros are not yet u8s to it"
)]
fn zeroed(size: usize) -> Arc<[u8]> {
    // SAFETY: every bit pattern, all zeros included, is a valid `u8`, and
    // `new_zeroed_slice` set every byte to zero.
    unsafe { Arc::<[u8]>::new_zeroed_slice(size).assume_init() }
}

#[cfg(test)]
#[path = "disk_tests.rs"]
mod tests;
