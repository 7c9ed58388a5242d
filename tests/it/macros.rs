//! `backend_test!`: one case, run once per backend.

/// Defines a module with one `#[test]` per backend, each calling the body with a fresh
/// [`crate::harness::Test`] holding the example migrations (or a named fixture).
#[macro_export]
macro_rules! backend_test {
    ($name:ident, |$test:ident| $body:block) => {
        $crate::backend_test!(@define $name, None, |$test| $body);
    };
    ($name:ident, fixture = $fixture:expr, |$test:ident| $body:block) => {
        $crate::backend_test!(@define $name, Some($fixture), |$test| $body);
    };
    (@define $name:ident, $fixture:expr, |$test:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn case($test: $crate::harness::Test) $body

            fn run(kind: $crate::backends::Kind) {
                let fixture: Option<&str> = $fixture;
                let test = match fixture {
                    Some(fixture) => $crate::harness::Test::fixture(kind, stringify!($name), fixture),
                    None => $crate::harness::Test::new(kind, stringify!($name)),
                };
                if let Some(test) = test {
                    case(test);
                }
            }

            #[test]
            fn sqlite() {
                run($crate::backends::Kind::Sqlite);
            }

            #[test]
            fn postgres() {
                run($crate::backends::Kind::Postgres);
            }
        }
    };
}
