//! Customer journeys: `[journeys]` (resolution, accuracy, giving up, retries) and repeat contacts that
//! switch channel.

use super::{Validator, toml_key};
use crate::dist::Num;
use crate::scenario::file::ChannelFile;
use crate::scenario::{Channel, ChannelKind, Repeat, Resolution, Retry};
use toml::Spanned;

impl Validator<'_> {
    /// `resolution`, `repeat` (its `switch` is resolved once every channel is known) and `retry`.
    pub(super) fn journeys(
        &mut self,
        i: usize,
        c: &ChannelFile,
        kind: Option<ChannelKind>,
    ) -> Option<(Option<Resolution>, Option<Repeat>, Option<Retry>)> {
        let key = format!("channels[{i}]");
        if kind == Some(ChannelKind::SelfService) {
            for (k, span) in [
                ("resolution", c.resolution.as_ref().map(|x| x.span())),
                ("repeat", c.repeat.as_ref().map(|x| x.span())),
                ("retry", c.retry.as_ref().map(|x| x.span())),
            ] {
                if let Some(span) = span {
                    self.err(span, format!("{key}.{k}: does not apply to a self-service channel; set it on the channel it falls to"));
                }
            }
            return Some((None, None, None));
        }
        let share = |v: &mut Self,
                     name: &str,
                     x: &Spanned<f64>,
                     lo_open: bool,
                     hi_open: bool|
         -> Option<f64> {
            let value = *x.get_ref();
            let ok = (if lo_open { value > 0.0 } else { value >= 0.0 })
                && (if hi_open { value < 1.0 } else { value <= 1.0 });
            if !ok {
                let range = format!(
                    "{}0, 1{}",
                    if lo_open { "(" } else { "[" },
                    if hi_open { ")" } else { "]" }
                );
                v.err(
                    x.span(),
                    format!("{key}.{name} = {}: must be in {range}", Num(value)),
                );
            }
            ok.then_some(value)
        };
        let resolution = match &c.resolution {
            None => None,
            Some(r) => {
                let r = r.get_ref();
                let first_contact = share(
                    self,
                    "resolution.first_contact",
                    &r.first_contact,
                    true,
                    false,
                )?;
                let accuracy = match &r.accuracy {
                    Some(a) => share(self, "resolution.accuracy", a, true, false)?,
                    None => 1.0,
                };
                Some(Resolution {
                    first_contact,
                    accuracy,
                })
            }
        };
        let repeat = match &c.repeat {
            None => None,
            Some(r) => {
                let r = r.get_ref();
                let delay = self.dist(&format!("{key}.repeat.delay"), &r.delay)?;
                let give_up = match &r.give_up {
                    Some(g) => share(self, "repeat.give_up", g, false, true)?,
                    None => 0.0,
                };
                let max_contacts = match &r.max_contacts {
                    Some(m) if (1..=100).contains(m.get_ref()) => *m.get_ref() as u32,
                    Some(m) => {
                        self.err(m.span(), format!("{key}.repeat.max_contacts = {}: must be a whole number from 1 to 100", m.get_ref()));
                        return None;
                    }
                    None => 10,
                };
                Some(Repeat {
                    delay,
                    switch: Vec::new(),
                    give_up,
                    max_contacts,
                })
            }
        };
        // With `resolution` given, proficiency below 1 can leave cases unresolved even at rates of 1.
        if repeat.is_none() && resolution.is_some() {
            let span = c.resolution.as_ref().map_or(0..0, |r| r.span());
            self.err(span, format!("{key}.resolution: customers whose case is not resolved come back; say when with repeat = {{ delay = {{ dist = \"exponential\", mean = \"1d\" }} }}"));
            return None;
        }
        let retry = match &c.retry {
            None => None,
            Some(r) => {
                let r = r.get_ref();
                let s = share(self, "retry.share", &r.share, false, false)?;
                let delay = self.dist(&format!("{key}.retry.delay"), &r.delay)?;
                Some(Retry { share: s, delay })
            }
        };
        Some((resolution, repeat, retry))
    }

    /// The channels a repeat contact may switch to: existing, assisted channels, shares adding up to at most 1.
    pub(super) fn repeat_switch(
        &mut self,
        i: usize,
        c: &ChannelFile,
        channels: &[Channel],
    ) -> Option<Vec<(usize, f64)>> {
        let Some(r) = &c.repeat else {
            return Some(Vec::new());
        };
        let Some(switch) = &r.get_ref().switch else {
            return Some(Vec::new());
        };
        let mut out = Vec::new();
        for (name, share) in switch.get_ref() {
            let Some(to) = channels
                .iter()
                .position(|ch| ch.name == *name && ch.kind != ChannelKind::SelfService)
            else {
                self.err(
                    share.span(),
                    format!(
                        "channels[{i}].repeat.switch.{}: no assisted channel is named \"{name}\"",
                        toml_key(name)
                    ),
                );
                return None;
            };
            let s = *share.get_ref();
            if !(0.0..=1.0).contains(&s) {
                self.err(
                    share.span(),
                    format!(
                        "channels[{i}].repeat.switch.{} = {}: must be a share between 0 and 1",
                        toml_key(name),
                        Num(s)
                    ),
                );
                return None;
            }
            out.push((to, s));
        }
        let total: f64 = out.iter().map(|(_, s)| s).sum();
        if total > 1.0 + 1e-9 {
            self.err(switch.span(), format!("channels[{i}].repeat.switch: the shares add up to {total}; at most 1 (the rest come back on the same channel)"));
            return None;
        }
        Some(out)
    }
}
