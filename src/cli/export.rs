//! Export, digest and audit commands.

use anyhow::Result;

/// An export refusal, mapped to exit code 3 by `run`.
#[derive(Debug)]
pub struct Refused(pub piigate::gate::Refusal);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl std::error::Error for Refused {}

pub fn cmd_digest(inputs: Vec<String>) -> Result<u8> {
    let rt = tokio::runtime::Runtime::new()?;
    let (files, errors) = piigate::source::resolve_inputs(&inputs, &rt);
    if let Some(e) = errors.first() {
        anyhow::bail!("{}: {}", e.source, e.error);
    }
    let m = rt.block_on(piigate::gate::digest::manifest_of(&files))?;
    print!("{}", m.canonical());
    println!("{}", m.digest());
    Ok(super::EXIT_OK)
}
