//! The `migrate` binary: everything happens in the library and the thin `cli` layer.

mod cli;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::main())
}
