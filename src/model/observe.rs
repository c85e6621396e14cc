//! Watching a replication contact by contact: an [`Observer`] is told how each contact offered to agents
//! ended (answered, abandoned or blocked). The engine is generic over it: a run without one uses
//! [`NoObserver`], whose empty methods compile away, so normal runs pay nothing. [`CallLog`] keeps every
//! record (the `--calls` CSV of `supportsim run`).

/// How a contact offered to agents ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    /// The customer hung up while waiting (or was not there when called back).
    Abandoned,
    /// Turned away at arrival: a full queue or a closed line.
    Blocked,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::Blocked => "blocked",
        }
    }
}

/// One contact arriving in the measured window, in simulation seconds (0 = the start of the warm-up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContactRecord {
    pub arrival: f64,
    /// When it joined the queue; `None` when answered at once (or blocked).
    pub queue_entry: Option<f64>,
    pub answer: Option<f64>,
    /// Service end (answered) or the moment the customer left.
    pub end: f64,
    pub outcome: Outcome,
    /// The agent who answered: its group and seat (0-based) in the group.
    pub agent: Option<(u32, u32)>,
    pub channel: u32,
    pub class: u16,
    /// The case's slot in the engine's case table (reused once the case is closed: see [`Observer`]).
    pub case_slot: u32,
}

/// Told about each contact as it ends. `case_opened` comes first for every case, with the slot its
/// contacts' records carry; a slot is reused only after the case closed, so an observer that numbers
/// cases as they open gives repeat contacts of one case the same id.
pub trait Observer {
    fn case_opened(&mut self, _slot: u32) {}
    fn contact(&mut self, _record: ContactRecord) {}
}

/// Observes nothing (a normal run).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// Keeps every record, with each case numbered in the order the cases opened (1, 2, ...).
#[derive(Debug, Default)]
pub struct CallLog {
    /// The records and each one's case id.
    pub records: Vec<(ContactRecord, u64)>,
    case_of_slot: Vec<u64>,
    cases: u64,
}

impl Observer for CallLog {
    fn case_opened(&mut self, slot: u32) {
        let slot = slot as usize;
        if self.case_of_slot.len() <= slot {
            self.case_of_slot.resize(slot + 1, 0);
        }
        self.cases += 1;
        self.case_of_slot[slot] = self.cases;
    }

    fn contact(&mut self, record: ContactRecord) {
        let case = self
            .case_of_slot
            .get(record.case_slot as usize)
            .copied()
            .unwrap_or(0);
        self.records.push((record, case));
    }
}
