use std::process::ExitCode;

// Scans and reports allocate many short strings on several threads; mimalloc is much faster
// at that than glibc malloc here (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use trivyscan::cli::{Args, ColorChoice};

fn main() -> ExitCode {
    let args = match Args::try_parse_process() {
        Ok(args) => args,
        // --help and --version are not errors; everything else clap refuses is a usage error.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(trivyscan::error::exit::USAGE);
        }
    };
    // The one read of the environment; everything below is handed this value.
    let env = trivyscan::environment::Environment::of_process();
    trivyscan::i18n::init(args.lang.as_deref(), &env);
    trivyscan::input::init_limit(&env);
    install_report_handler(args.color);
    match trivyscan::app::run(&args, std::sync::Arc::new(env)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let code = err.exit_code();
            // A closed stderr (`2>&1 | head`) must not turn the exit code into a panic's.
            use std::io::Write;
            let text = match err.plain() {
                Some(text) => text,
                None => format!("{:?}\n", err.into_report()),
            };
            let _ = std::io::stderr().lock().write_all(text.as_bytes());

            ExitCode::from(code)
        }
    }
}

fn install_report_handler(color: ColorChoice) {
    let color = match color {
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
        ColorChoice::Auto => None,
    };
    let _ = miette::set_hook(Box::new(move |_| {
        let mut opts = miette::MietteHandlerOpts::new();
        if let Some(c) = color {
            opts = opts.color(c);
        }
        Box::new(LocalizedLabels(Box::new(opts.build())))
    }));
}

/// miette's handler, with the messages and its own words ("Error:", "help:") in the chosen
/// language.
struct LocalizedLabels(Box<dyn miette::ReportHandler>);

impl miette::ReportHandler for LocalizedLabels {
    fn debug(
        &self,
        error: &dyn miette::Diagnostic,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
        struct Rendered<'a>(&'a dyn miette::ReportHandler, &'a dyn miette::Diagnostic);
        impl std::fmt::Display for Rendered<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.debug(self.1, f)
            }
        }
        // Messages render in the chosen language while the handler draws them (crate::i18n).
        let text = trivyscan::i18n::in_chosen_language(|| Rendered(&*self.0, error).to_string());
        f.write_str(&trivyscan::i18n::localize_labels(&text))
    }
}
