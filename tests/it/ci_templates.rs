//! The CI templates in ci/ parse as YAML, and every `migrate ...` command in them names a
//! subcommand that `migrate --help` lists, so a renamed command cannot leave them stale.
//! The sharded one runs every shard of its split and merges what its shards write.

use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

const TEMPLATES: [&str; 3] = [
    "ci/github-actions.yml",
    "ci/github-actions-sharded.yml",
    "ci/gitlab-ci.yml",
];

/// The subcommands (and their aliases) `migrate --help` lists under `Commands:`.
fn subcommands() -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .arg("--help")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let section = help
        .split_once("Commands:\n")
        .map(|(_, rest)| rest)
        .expect("a Commands: section");
    let mut names = Vec::new();
    for line in section.lines().take_while(|line| !line.trim().is_empty()) {
        names.extend(line.split_whitespace().next().map(str::to_owned));
        // `[alias: up]` and `[aliases: a, b]`
        if let Some((_, aliases)) = line.rsplit_once("[alias") {
            let list = aliases.trim_start_matches("es").trim_start_matches(':');
            let list = list.trim_end_matches(']');
            names.extend(list.split(',').map(|alias| alias.trim().to_owned()));
        }
    }
    names
}

/// Every string in the document, recursively.
fn strings<'a>(yaml: &'a Yaml, found: &mut Vec<&'a str>) {
    match yaml {
        Yaml::String(text) => found.push(text),
        Yaml::Array(items) => items.iter().for_each(|item| strings(item, found)),
        Yaml::Hash(map) => map.values().for_each(|value| strings(value, found)),
        _ => {}
    }
}

/// The subcommand of each `migrate` invocation in a shell script: `migrate` where a
/// command starts (a line's start, or after `&&`, `||`, `;`, `|`), then the next word.
/// Templates put the subcommand first: which options take a value is not known here.
fn invocations(script: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in script.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (at, word) in words.iter().enumerate() {
            let starts_command =
                at == 0 || matches!(words[at - 1], "&&" | "||" | ";" | "|" | "then" | "do");
            if *word == "migrate" && starts_command {
                let subcommand = words.get(at + 1).copied().unwrap_or_default();
                found.push(subcommand.to_owned());
            }
        }
    }
    found
}

#[test]
fn the_ci_templates_parse_and_run_only_commands_that_exist() {
    let known = subcommands();
    for template in TEMPLATES {
        let path = format!("{}/{template}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let documents = YamlLoader::load_from_str(&text)
            .unwrap_or_else(|error| panic!("{template} is not YAML: {error}"));
        let mut texts = Vec::new();
        documents
            .iter()
            .for_each(|document| strings(document, &mut texts));
        let commands: Vec<String> = texts.iter().flat_map(|text| invocations(text)).collect();
        assert!(
            commands.iter().any(|command| command == "verify"),
            "{template} runs no `migrate verify`"
        );
        for command in commands {
            assert!(
                known.contains(&command),
                "{template} runs `migrate {command}`, which `migrate --help` does not list \
                 ({known:?})"
            );
        }
    }
}

#[test]
fn invocations_are_found_where_commands_start() {
    assert_eq!(
        invocations("cargo install migrate\nmigrate verify --strict && migrate check --dir m"),
        ["verify", "check"]
    );
}

fn load(template: &str) -> Yaml {
    let path = format!("{}/{template}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// The `run:` scripts of a job's steps, joined.
fn scripts(job: &Yaml) -> String {
    let steps = job["steps"].as_vec().expect("steps");
    let runs = steps.iter().filter_map(|step| step["run"].as_str());
    runs.collect::<Vec<_>>().join("\n")
}

#[test]
fn the_sharded_template_runs_every_shard_and_merges_their_reports() {
    let workflow = load("ci/github-actions-sharded.yml");
    let jobs = &workflow["jobs"];
    let shards: Vec<i64> = jobs["verify"]["strategy"]["matrix"]["shard"]
        .as_vec()
        .expect("a shard matrix")
        .iter()
        .map(|shard| shard.as_i64().expect("shard numbers"))
        .collect();
    let verify = scripts(&jobs["verify"]);
    let count = verify
        .split_once("--shard ${{ matrix.shard }}/")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|count| count.parse::<i64>().ok())
        .expect("--shard ${{ matrix.shard }}/N");
    assert_eq!(shards, (1..=count).collect::<Vec<_>>(), "one job per shard");
    assert!(
        verify.contains("--report verify-${{ matrix.shard }}.json"),
        "{verify}"
    );
    let merge = &jobs["merge"];
    assert_eq!(merge["needs"].as_str(), Some("verify"));
    assert_eq!(
        merge["if"].as_str(),
        Some("always()"),
        "the merge reports the defects of failed shards too"
    );
    assert!(
        scripts(merge).contains("--merge-reports reports/verify-*.json"),
        "{}",
        scripts(merge)
    );
}
