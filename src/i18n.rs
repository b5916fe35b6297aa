//! The language townledger speaks: messages, errors and help come from Fluent catalogs
//! (`i18n/zh-CN/*.ftl`, `i18n/en/*.ftl`) compiled into the program. Chinese by default; the
//! process language is set once at start (`--lang`, `TOWNLEDGER_LANG`) and read wherever a
//! message is built.
//!
//! ```
//! use townledger::tr;
//! let line = tr!("rows-nothing-written", count = 3);
//! assert!(!line.is_empty());
//! ```

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use crate::report::document::Lang;

/// The catalogs of one language, one file per area.
macro_rules! catalog {
    ($dir:literal: $($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/i18n/", $dir, "/", $file)))),*]
    };
}

/// The areas, the same files in each language.
const ZH: &[(&str, &str)] = catalog!("zh-CN": "help.ftl", "cli.ftl", "commands.ftl", "errors.ftl", "input.ftl", "ledger.ftl", "allocate.ftl", "funds.ftl", "grants.ftl", "disclose.ftl", "budget.ftl", "bank.ftl", "web.ftl");
const EN: &[(&str, &str)] = catalog!("en": "help.ftl", "cli.ftl", "commands.ftl", "errors.ftl", "input.ftl", "ledger.ftl", "allocate.ftl", "funds.ftl", "grants.ftl", "disclose.ftl", "budget.ftl", "bank.ftl", "web.ftl");

/// 0 Chinese, 1 English, 2 not set.
static LANG: AtomicU8 = AtomicU8::new(2);

/// Set the process language (once, at start).
pub fn set_lang(lang: Lang) {
    LANG.store(
        match lang {
            Lang::Zh => 0,
            Lang::En => 1,
        },
        Ordering::Relaxed,
    );
}

thread_local! {
    /// A language for this thread only (a web request's), over the process language.
    static THREAD_LANG: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// Run `f` with messages built on this thread in `lang` (the web server answers each request
/// in the language of its page, whatever the process language).
pub fn with_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = THREAD_LANG.with(|l| l.replace(Some(lang)));
    let out = f();
    THREAD_LANG.with(|l| l.set(before));
    out
}

/// The process language: Chinese unless set otherwise (the library's own unit tests, which
/// check the English wording, read English unless they set it); on a thread inside
/// [`with_lang`], that language.
pub fn lang() -> Lang {
    if let Some(lang) = THREAD_LANG.with(|l| l.get()) {
        return lang;
    }
    match LANG.load(Ordering::Relaxed) {
        0 => Lang::Zh,
        1 => Lang::En,
        _ if cfg!(test) => Lang::En,
        _ => Lang::Zh,
    }
}

/// `zh`, `zh-CN` (also `zh_CN`, `cn`) or `en` (also `en-US` …); `None` for anything else.
pub fn parse_lang(s: &str) -> Option<Lang> {
    let s = s.trim();
    let base = s.split(['-', '_', '.']).next().unwrap_or("");
    match base.to_ascii_lowercase().as_str() {
        "zh" | "cn" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

type Bundle = FluentBundle<FluentResource>;

fn build(locale: &str, files: &[(&str, &str)]) -> Bundle {
    let id: unic_langid::LanguageIdentifier = locale.parse().expect("a valid locale");
    let mut bundle = Bundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for (name, text) in files {
        let resource = FluentResource::try_new(text.to_string())
            .unwrap_or_else(|(_, errors)| panic!("catalog {locale}/{name}: {errors:?}"));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("catalog {locale}/{name}: {errors:?}"));
    }
    bundle
}

fn bundle(lang: Lang) -> &'static Bundle {
    static ZH_BUNDLE: OnceLock<Bundle> = OnceLock::new();
    static EN_BUNDLE: OnceLock<Bundle> = OnceLock::new();
    match lang {
        Lang::Zh => ZH_BUNDLE.get_or_init(|| build("zh-CN", ZH)),
        Lang::En => EN_BUNDLE.get_or_init(|| build("en", EN)),
    }
}

/// A value for a message's `{ $name }`: text as it is (amounts come formatted), numbers as
/// numbers (so that plural forms can be chosen).
pub struct Arg(FluentValue<'static>);

macro_rules! arg_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg(FluentValue::from(v))
            }
        }
        impl From<&$t> for Arg {
            fn from(v: &$t) -> Arg {
                Arg(FluentValue::from(*v))
            }
        }
    )*};
}
arg_from_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl From<f64> for Arg {
    /// A measured quantity (seconds, megabytes): one decimal.
    fn from(v: f64) -> Arg {
        Arg(FluentValue::from(format!("{v:.1}")))
    }
}

macro_rules! arg_from_display {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg(FluentValue::from(v.to_string()))
            }
        }
    )*};
}
arg_from_display!(
    &str,
    String,
    &String,
    &&str,
    char,
    std::borrow::Cow<'_, str>,
    std::path::Display<'_>,
    chrono::NaiveDate,
    &chrono::NaiveDate,
    &dyn std::fmt::Display
);

impl From<&std::path::Path> for Arg {
    fn from(v: &std::path::Path) -> Arg {
        Arg(FluentValue::from(v.display().to_string()))
    }
}

impl From<&std::path::PathBuf> for Arg {
    fn from(v: &std::path::PathBuf) -> Arg {
        Arg(FluentValue::from(v.display().to_string()))
    }
}

/// The message `id` in the process language, with its arguments.
pub fn message(id: &str, args: &[(&str, Arg)]) -> String {
    message_in(lang(), id, args)
}

/// The message `id` in `lang`; a message missing there is taken from the other catalog, and
/// a message missing in both prints as its id.
pub fn message_in(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let fluent_args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, value.0.clone());
        }
        a
    });
    let other = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    for l in [lang, other] {
        let b = bundle(l);
        if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = b.format_pattern(pattern, fluent_args.as_ref(), &mut errors);
            return text.into_owned();
        }
    }
    id.to_string()
}

/// Whether `lang`'s catalog has a message `id` with a value.
pub fn has_message(lang: Lang, id: &str) -> bool {
    bundle(lang)
        .get_message(id)
        .and_then(|m| m.value())
        .is_some()
}

/// The message `id` in the process language, if the catalog has it.
pub fn lookup(id: &str) -> Option<String> {
    has_message(lang(), id).then(|| message(id, &[]))
}

/// Every message id of `lang`'s catalogs (for the completeness checks).
pub fn message_ids(lang: Lang) -> Vec<String> {
    let files = match lang {
        Lang::Zh => ZH,
        Lang::En => EN,
    };
    let mut ids = Vec::new();
    for (_, text) in files {
        let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                ids.push(m.id.name.to_string());
            }
        }
    }
    ids.sort();
    ids
}

/// A message from the catalogs: `tr!("id")`, `tr!("id", name = value, …)`; in the process
/// language.
#[macro_export]
macro_rules! tr {
    ($id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::message($id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_in_both_catalogs() {
        let zh = message_ids(Lang::Zh);
        let en = message_ids(Lang::En);
        let only_zh: Vec<_> = zh.iter().filter(|id| !en.contains(id)).collect();
        let only_en: Vec<_> = en.iter().filter(|id| !zh.contains(id)).collect();
        assert!(only_zh.is_empty(), "only in zh-CN: {only_zh:?}");
        assert!(only_en.is_empty(), "only in en: {only_en:?}");
        let mut dup = zh.clone();
        dup.dedup();
        assert_eq!(dup.len(), zh.len(), "an id defined twice");
    }

    #[test]
    fn catalogs_parse_and_format() {
        for lang in [Lang::Zh, Lang::En] {
            for id in message_ids(lang) {
                assert!(has_message(lang, &id), "{id} has no value");
            }
        }
        assert_eq!(
            message_in(Lang::Zh, "rows-nothing-written", &[("count", Arg::from(3))]),
            "共 3 处错误，未写入任何内容"
        );
        assert_eq!(
            message_in(Lang::En, "rows-nothing-written", &[("count", Arg::from(1))]),
            "1 error in input; nothing was written"
        );
    }

    #[test]
    fn languages_by_name() {
        assert_eq!(parse_lang("zh"), Some(Lang::Zh));
        assert_eq!(parse_lang("zh-CN"), Some(Lang::Zh));
        assert_eq!(parse_lang("en"), Some(Lang::En));
        assert_eq!(parse_lang("fr"), None);
    }
}
