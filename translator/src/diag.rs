//! Diagnostics in the style of rustc: `error: message`, `--> file:line:column`, the
//! source line with the span underlined, and a `help:` saying what to do instead.

use crate::flow::model::Span;
use crate::source::Crate;
use annotate_snippets::{Level, Renderer, Snippet};

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Span,
    /// Short text under the underline.
    pub label: String,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            label: String::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn label(mut self, l: impl Into<String>) -> Diagnostic {
        self.label = l.into();
        self
    }

    pub fn help(mut self, h: impl Into<String>) -> Diagnostic {
        self.help = Some(h.into());
        self
    }

    pub fn note(mut self, n: impl Into<String>) -> Diagnostic {
        self.notes.push(n.into());
        self
    }

    /// Render with the source of `krate`; `color` for a terminal.
    pub fn render(&self, krate: &Crate, color: bool) -> String {
        let file = &krate.files[self.span.file as usize];
        let path = file.display_path();
        let text = &file.text;
        let lo = (self.span.lo as usize).min(text.len());
        let hi = (self.span.hi as usize).clamp(lo, text.len());
        let snippet = Snippet::source(text)
            .origin(&path)
            .fold(true)
            .annotation(Level::Error.span(lo..hi).label(&self.label));
        let mut msg = Level::Error.title(&self.message).snippet(snippet);
        if let Some(h) = &self.help {
            msg = msg.footer(Level::Help.title(h));
        }
        for n in &self.notes {
            msg = msg.footer(Level::Note.title(n));
        }
        let r = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let out = r.render(msg).to_string();
        out
    }
}
