//! Modules of the standard library written in Python, compiled and loaded like a
//! program's own `.py` modules when a program imports them.

/// The source of the standard module `name`, if there is one.
pub fn source(name: &str) -> Option<&'static str> {
    Some(match name {
        "collections" => include_str!("stdlib/collections.py"),
        "functools" => include_str!("stdlib/functools.py"),
        "itertools" => include_str!("stdlib/itertools.py"),
        "heapq" => include_str!("stdlib/heapq.py"),
        "bisect" => include_str!("stdlib/bisect.py"),
        "string" => include_str!("stdlib/string.py"),
        "copy" => include_str!("stdlib/copy.py"),
        "operator" => include_str!("stdlib/operator.py"),
        "random" => include_str!("stdlib/random.py"),
        _ => return None,
    })
}
