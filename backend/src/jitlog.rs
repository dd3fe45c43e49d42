//! The JIT log: a line-oriented text record of all machine code a backend produced,
//! written as the code is made, and read back by [`crate::viewcode`].
//!
//! ```text
//! JITLOG 1
//! BACKEND x86_64
//! CODE 7f3a2c000000 53 square          # a region: address, size, name
//! BYTES 554889e5...                    # its bytes, in hex (one or more lines)
//! LABEL 7f3a2c000010 square.block1     # a name for an address inside code
//! SYMBOL 55d0c0a01230 tlr_alloc        # a helper that code calls
//! PATCH 7f3a2c000020 49bb...           # bytes written over code that already ran
//! NOTE text                            # anything a frontend wants to say
//! ```
//!
//! **Invariant:** the log is append-only; a reader replays `PATCH` lines in order over
//! the regions to get the code as it last was.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type SharedFile = Arc<Mutex<io::BufWriter<std::fs::File>>>;

/// One thread's handle of a log file shared by the process's JITs; flushed when the
/// handle goes away.
struct SharedWriter(SharedFile);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

impl Drop for SharedWriter {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Where a backend writes its log.
pub struct JitLog {
    out: Box<dyn Write>,
}

impl JitLog {
    /// Log into any writer; the header is written at once.
    pub fn new(mut out: Box<dyn Write>) -> io::Result<JitLog> {
        writeln!(out, "JITLOG 1")?;
        writeln!(out, "BACKEND x86_64")?;
        Ok(JitLog { out })
    }

    /// Log into a new file at `path`. Every thread's JIT in a process logs into the
    /// same file: the first creates it (and writes the header), the others append to it.
    pub fn to_file(path: &Path) -> io::Result<JitLog> {
        static OPEN: Mutex<Vec<(PathBuf, SharedFile)>> = Mutex::new(Vec::new());
        let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, f)) = open.iter().find(|(p, _)| p == path) {
            return Ok(JitLog {
                out: Box::new(SharedWriter(f.clone())),
            });
        }
        let f: SharedFile = Arc::new(Mutex::new(io::BufWriter::new(std::fs::File::create(path)?)));
        open.push((path.to_path_buf(), f.clone()));
        JitLog::new(Box::new(SharedWriter(f)))
    }

    /// Log into the file named by the environment variable `var`, if it is set and
    /// not empty (for example `PYRSJITLOG=log.txt`).
    pub fn from_env(var: &str) -> io::Result<Option<JitLog>> {
        match std::env::var_os(var) {
            Some(p) if !p.is_empty() => JitLog::to_file(Path::new(&p)).map(Some),
            _ => Ok(None),
        }
    }

    pub fn code(&mut self, addr: usize, name: &str, bytes: &[u8]) -> io::Result<()> {
        writeln!(self.out, "CODE {addr:x} {} {}", bytes.len(), clean(name))?;
        for chunk in bytes.chunks(64) {
            writeln!(self.out, "BYTES {}", hex(chunk))?;
        }
        Ok(())
    }

    pub fn label(&mut self, addr: usize, name: &str) -> io::Result<()> {
        writeln!(self.out, "LABEL {addr:x} {}", clean(name))
    }

    pub fn symbol(&mut self, addr: usize, name: &str) -> io::Result<()> {
        writeln!(self.out, "SYMBOL {addr:x} {}", clean(name))
    }

    pub fn patch(&mut self, addr: usize, bytes: &[u8]) -> io::Result<()> {
        writeln!(self.out, "PATCH {addr:x} {}", hex(bytes))
    }

    pub fn note(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "NOTE {}", clean(text))
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for JitLog {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

fn clean(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A code region of a parsed log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub addr: u64,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A parsed log, patches applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedLog {
    pub backend: String,
    pub regions: Vec<Region>,
    pub labels: BTreeMap<u64, String>,
    pub symbols: BTreeMap<u64, String>,
    pub notes: Vec<String>,
    pub patches: usize,
}

/// Why a log could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LogError {}

/// Read a log written by [`JitLog`].
pub fn parse(text: &str) -> Result<ParsedLog, LogError> {
    let mut log = ParsedLog::default();
    // The region being filled by BYTES lines, with its announced size.
    let mut open: Option<(Region, usize, usize)> = None;
    let mut saw_header = false;
    let mut last_line = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        last_line = n;
        let err = |m: String| LogError {
            line: n,
            message: m,
        };
        if line.trim().is_empty() {
            continue;
        }
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        if !saw_header {
            if tag != "JITLOG" {
                return Err(err("not a JIT log (it must start with `JITLOG 1`)".into()));
            }
            if rest.trim() != "1" {
                return Err(err(format!("unsupported log version `{}`", rest.trim())));
            }
            saw_header = true;
            continue;
        }
        if tag != "BYTES" {
            if let Some((r, size, line)) = open.take() {
                if r.bytes.len() != size {
                    return Err(LogError {
                        line,
                        message: format!(
                            "region `{}` announces {size} bytes but has {}",
                            r.name,
                            r.bytes.len()
                        ),
                    });
                }
                log.regions.push(r);
            }
        }
        match tag {
            "BACKEND" => log.backend = rest.trim().to_string(),
            "CODE" => {
                let mut parts = rest.splitn(3, ' ');
                let addr = parse_addr(parts.next()).map_err(err)?;
                let size: usize = parts
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| err("CODE needs a size".into()))?;
                let name = parts.next().unwrap_or("").to_string();
                open = Some((
                    Region {
                        addr,
                        name,
                        bytes: Vec::with_capacity(size),
                    },
                    size,
                    n,
                ));
            }
            "BYTES" => {
                let (r, size, _) = open
                    .as_mut()
                    .ok_or_else(|| err("BYTES outside a CODE region".into()))?;
                let bytes = parse_hex(rest.trim()).map_err(err)?;
                if r.bytes.len() + bytes.len() > *size {
                    return Err(err(format!(
                        "region `{}` has more bytes than its announced {size}",
                        r.name
                    )));
                }
                r.bytes.extend(bytes);
            }
            "LABEL" | "SYMBOL" => {
                let (a, name) = rest
                    .split_once(' ')
                    .ok_or_else(|| err(format!("{tag} needs an address and a name")))?;
                let addr = parse_addr(Some(a)).map_err(err)?;
                let map = if tag == "LABEL" {
                    &mut log.labels
                } else {
                    &mut log.symbols
                };
                map.insert(addr, name.to_string());
            }
            "PATCH" => {
                let (a, hexbytes) = rest
                    .split_once(' ')
                    .ok_or_else(|| err("PATCH needs an address and bytes".into()))?;
                let addr = parse_addr(Some(a)).map_err(err)?;
                let bytes = parse_hex(hexbytes.trim()).map_err(err)?;
                let region = log
                    .regions
                    .iter_mut()
                    .find(|r| {
                        addr >= r.addr && addr + bytes.len() as u64 <= r.addr + r.bytes.len() as u64
                    })
                    .ok_or_else(|| err(format!("PATCH at {addr:x} is outside every region")))?;
                let at = (addr - region.addr) as usize;
                region.bytes[at..at + bytes.len()].copy_from_slice(&bytes);
                log.patches += 1;
            }
            "NOTE" => log.notes.push(rest.to_string()),
            _ => return Err(err(format!("unknown record `{tag}`"))),
        }
    }
    if !saw_header {
        return Err(LogError {
            line: 0,
            message: "empty log".into(),
        });
    }
    if let Some((r, size, _)) = open {
        if r.bytes.len() != size {
            return Err(LogError {
                line: last_line,
                message: format!(
                    "log is truncated: region `{}` announces {size} bytes but has {}",
                    r.name,
                    r.bytes.len()
                ),
            });
        }
        log.regions.push(r);
    }
    Ok(log)
}

fn parse_addr(s: Option<&str>) -> Result<u64, String> {
    let s = s.ok_or("missing address")?;
    u64::from_str_radix(s, 16).map_err(|_| format!("bad address `{s}`"))
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(s.get(i..i + 2).ok_or("bad hex")?, 16)
                .map_err(|_| format!("bad hex `{}`", &s[i..i + 2]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn written(f: impl FnOnce(&mut JitLog)) -> String {
        let buf = Shared::default();
        let mut log = JitLog::new(Box::new(buf.clone())).unwrap();
        f(&mut log);
        drop(log);
        let bytes = buf.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn round_trip_with_patch() {
        let text = written(|l| {
            l.code(0x1000, "f", &[0x90; 100]).unwrap();
            l.label(0x1010, "f.block1").unwrap();
            l.symbol(0x5000, "helper").unwrap();
            l.patch(0x1020, &[0xc3, 0xcc]).unwrap();
        });
        let p = parse(&text).unwrap();
        assert_eq!(p.regions.len(), 1);
        assert_eq!(p.regions[0].bytes.len(), 100);
        assert_eq!(&p.regions[0].bytes[0x20..0x22], &[0xc3, 0xcc]);
        assert_eq!(p.labels[&0x1010], "f.block1");
        assert_eq!(p.symbols[&0x5000], "helper");
        assert_eq!(p.patches, 1);
    }

    #[test]
    fn truncated_and_corrupt_logs_are_errors() {
        let text = written(|l| l.code(0x1000, "f", &[0x90; 100]).unwrap());
        // 100 bytes make two BYTES lines; keep only the first.
        let cut: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
        let e = parse(&cut).unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        // Cut inside a hex byte.
        let e = parse(&cut[..cut.len() - 1]).unwrap_err();
        assert!(e.message.contains("hex"), "{e}");
        assert!(parse("hello")
            .unwrap_err()
            .message
            .contains("not a JIT log"));
        assert!(parse("JITLOG 1\nBYTES zz").is_err());
        assert!(parse("JITLOG 1\nCODE 10 2 f\nBYTES 9x90").is_err());
        assert!(parse("JITLOG 1\nPATCH 10 90")
            .unwrap_err()
            .message
            .contains("outside"));
        assert!(parse("").is_err());
    }
}
