//! G4: a native, seeded simulation of 1–4 tabs sharing one storage, one refresh lock and a server
//! with strict refresh-token rotation (grace 0 or 10 s), with random faults drawn from F10–F33.
//! Each tab follows the glue's refresh procedure (src/refresh.rs, src/lock.rs, src/tab_sync.rs)
//! with the same rules of this crate: `refresh::after_wait`, `refresh::on_rejected`,
//! `refresh::read_claim`, `storage::tab_change`, `storage::restore`, `schedule::*` and the `State`
//! machine. Each tab sees the others' storage writes 1–30 ms late, in order (as a browser forwards
//! them between renderers). A quarter of the runs have no Web Locks (F33): the tabs then pause at
//! random and claim the refresh in storage (`refresh::read_claim`). Sessions last 30 s, or 4 s in a
//! third of the runs (as in the browser tests: a refresh every 3 s).
//!
//! Checked: 0 unintended sign-outs (a sign-out while the server's token family is still alive:
//! its current refresh token, or the previous one in its grace window, stored, held, being sent or
//! on its way back to a live tab),
//! at most one `signedOut` per session, exactly one refresh request per rotation and no 401 in
//! fault-free runs, and no refresh storm. `cargo test` runs 10,000 cycles; `make soak` runs
//! `G4_CYCLES` (default 100,000 there). A failure prints the run's seed; `G4_SEED` replays it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::error::ErrorKind;
use crate::jwt::test_support::token;
use crate::refresh::{self, AfterWait, Claim, Rejected};
use crate::schedule;
use crate::session::{EventType, Reason, SessionData, State};
use crate::storage::{self, Held, TabChange};

const PID: &str = "P2sim";
const T0: u64 = 1_700_000_000_000;
const TIMEOUT_MS: u32 = 10_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u32 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + u64::from(self.next()) % (hi - lo + 1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Answer {
    Ok,
    Unauthorized,
    Network,
    Timeout,
    Server,
}

#[derive(Debug)]
enum Ev {
    Timer(usize, u64),
    LockGranted(usize, u64),
    LockTimeout(usize, u64),
    Decide(usize, u64),
    Arrive(usize, u64, bool),
    Answered(usize, u64, Answer, Option<(String, String)>),
    Resend(usize, u64),
    /// Another tab's write of one key (0 `DSR`, 1 `DS`, 2 the claim) reaches a tab's view
    /// (reader, its incarnation, key, value).
    Deliver(usize, u64, u8, Option<String>, u64),
    /// The lock is released `LOCK_SETTLE_MS` after the holder finished (its grant number).
    Unlock(usize, u64),
    Kill(usize),
    Reopen(usize),
}

struct Server {
    n: u32,
    current: String,
    prev: Option<(String, u64)>,
    grace_ms: u64,
    /// Session token lifetime: 30 s, or 4 s as in the browser tests (a refresh every 3 s).
    session_ttl_s: u64,
    requests: u32,
    unauthorized: u32,
    rotations: u32,
}

fn mint(drn: &str, n: u32, now: u64, ttl_s: u64) -> String {
    let iat = now / 1000;
    token(&format!(
        r#"{{"iss":"https://api.descope.com/{PID}","sub":"U1","drn":"{drn}","jti":"{n}","iat":{iat},"exp":{}}}"#,
        iat + ttl_s
    ))
}

impl Server {
    fn pair(&self, now: u64) -> (String, String) {
        (
            self.current.clone(),
            mint("DS", self.n, now, self.session_ttl_s),
        )
    }
    fn refresh(&mut self, tok: &str, now: u64) -> Option<(String, String)> {
        self.requests += 1;
        if tok == self.current {
            self.n += 1;
            self.prev = Some((self.current.clone(), now + self.grace_ms));
            self.current = mint("DSR", self.n, now, 86_400);
            self.rotations += 1;
            return Some(self.pair(now));
        }
        if let Some((p, until)) = &self.prev {
            if tok == p && now < *until {
                return Some(self.pair(now));
            }
        }
        self.unauthorized += 1;
        None
    }
}

#[derive(Default)]
struct Job {
    id: u64,
    held: (Option<String>, Option<String>, Option<String>),
    generation: u64,
    has_lock: bool,
    sent: Option<String>,
    retried: bool,
    lost_retry_done: bool,
    /// A 401 waiting for the lock before it is judged (it was sent without the lock).
    pending_401: bool,
    /// Without Web Locks: the claim this job stored (0: none).
    mine: u64,
}

#[derive(Default)]
struct Tab {
    alive: bool,
    state: State,
    last_refresh_at: Option<u64>,
    timer: u64,
    job: Option<Job>,
    failures: u32,
    ambiguous: Option<String>,
    sign_outs: Vec<Reason>,
    sessions: u32,
    /// A hung tab (JS frozen, F30) handles nothing before this time.
    frozen_until: u64,
    /// This tab's view of storage: `DSR`, `DS`, the claim.
    view: [Option<String>; 3],
    /// The browser's order number of the write each view entry holds: a tab never goes back to
    /// an older write than its own (as a renderer ignores others' writes its own overtook).
    view_order: [u64; 3],
    /// When the last write forwarded to this tab arrives (writes arrive in order).
    ready_at: u64,
    /// Bumped when the tab is reopened: writes forwarded to its previous page are dropped.
    incarnation: u64,
}

struct Sim {
    now: u64,
    seq: u64,
    q: BinaryHeap<Reverse<(u64, u64, usize)>>,
    evs: Vec<Option<Ev>>,
    rng: Rng,
    server: Server,
    /// What the browser holds: `DSR`, `DS`, the claim (each tab reads its own view).
    storage: [Option<String>; 3],
    /// Whether the browser has Web Locks; without, the tabs claim the refresh in storage (F33).
    locks: bool,
    holder: Option<usize>,
    /// Counts lock grants, so a late `Unlock` cannot release a later grant.
    grants: u64,
    /// Counts storage writes (their order in the browser).
    writes: u64,
    /// Refresh answers with a new pair on their way back: (tab, job, refresh JWT).
    answers: Vec<(usize, u64, String)>,
    waiters: VecDeque<(usize, u64)>,
    tabs: Vec<Tab>,
    fault_pct: u32,
    faults: u32,
    unintended: Vec<String>,
    next_id: u64,
    /// Outcomes: adopted after the wait, adopted after a 401, retried after a 401, sign-outs.
    counts: [u32; 4],
}

impl Sim {
    fn at(&mut self, delay: u64, ev: Ev) {
        self.seq += 1;
        self.evs.push(Some(ev));
        self.q
            .push(Reverse((self.now + delay, self.seq, self.evs.len() - 1)));
    }

    fn held(&self, t: usize) -> (Option<String>, Option<String>, Option<String>) {
        let st = &self.tabs[t].state;
        let cur = st.current();
        (
            st.refresh_token(),
            cur.as_ref().map(|c| c.session_jwt.clone()),
            cur.as_ref().map(|c| c.user_id().to_string()),
        )
    }

    /// Tab `t` writes one key: at once in its own view and the browser's, 1–30 ms later (in
    /// order) in every other tab's.
    fn write_key(&mut self, t: usize, key: u8, value: Option<String>) {
        self.writes += 1;
        let order = self.writes;
        self.storage[usize::from(key)] = value.clone();
        self.tabs[t].view[usize::from(key)] = value.clone();
        self.tabs[t].view_order[usize::from(key)] = order;
        for o in 0..self.tabs.len() {
            if o != t && self.tabs[o].alive {
                let when = (self.now + self.rng.range(1, 30)).max(self.tabs[o].ready_at);
                self.tabs[o].ready_at = when;
                let inc = self.tabs[o].incarnation;
                self.at(
                    when - self.now,
                    Ev::Deliver(o, inc, key, value.clone(), order),
                );
            }
        }
    }

    fn write_storage(&mut self, t: usize, pair: Option<(String, String)>) {
        let (r, s) = pair.map_or((None, None), |(r, s)| (Some(r), Some(s)));
        // Two writes, as the glue makes them: another tab may read between them.
        self.write_key(t, 0, r);
        self.write_key(t, 1, s);
    }

    fn schedule(&mut self, t: usize) {
        self.tabs[t].timer += 1;
        let id = self.tabs[t].timer;
        let delay = match self.tabs[t].state.current() {
            Some(s) => {
                let d = schedule::refresh_delay_ms(
                    self.now,
                    s.expires_at_ms(),
                    s.lifetime_ms(),
                    self.tabs[t].last_refresh_at,
                );
                schedule::spread_ms(d, s.lifetime_ms(), self.rng.next())
            }
            None if self.tabs[t].state.has_credentials() => schedule::MIN_DELAY_MS,
            None => return,
        };
        self.at(delay, Ev::Timer(t, id));
    }

    fn arm_retry(&mut self, t: usize, kind: ErrorKind) {
        let n = self.tabs[t].failures;
        self.tabs[t].failures += 1;
        let e = crate::Error::new(kind, "x", "x");
        // The faults simulated are the server's or the network's, with the browser online.
        let d = schedule::failure_delay_ms(&e, n, self.rng.next(), true);
        self.tabs[t].timer += 1;
        let id = self.tabs[t].timer;
        self.at(d, Ev::Timer(t, id));
    }

    /// Whether the session can still be refreshed: the server's current refresh token, or the
    /// previous one within its grace window, is stored, held or being sent by a live tab, or in an
    /// answer on its way to a live refresh. Else it was lost (a rotation whose answer never came
    /// back, F21 with grace 0) and signing out is right; while it is alive a sign-out is not (G2).
    fn family_alive(&self) -> bool {
        let held = |tok: &str| {
            self.storage[0].as_deref() == Some(tok)
                || self.tabs.iter().any(|t| {
                    t.alive
                        && (t.state.refresh_token().as_deref() == Some(tok)
                            || t.job.as_ref().and_then(|j| j.sent.as_deref()) == Some(tok))
                })
                || (self.answers.iter()).any(|(t, id, r)| r == tok && self.job_is(*t, *id))
        };
        held(&self.server.current)
            || (self.server.prev.as_ref()).is_some_and(|(p, until)| self.now < *until && held(p))
    }

    fn sign_out(&mut self, t: usize, reason: Reason) {
        let (r, s, _) = self.held(t);
        if let Some(ev) = self.tabs[t].state.sign_out(reason) {
            self.tabs[t].sign_outs.push(reason);
            if self.family_alive() {
                self.unintended.push(format!(
                    "tab {t} signed out ({reason:?}) at +{} ms",
                    self.now - T0
                ));
            }
            assert_eq!(ev.kind, EventType::SignedOut);
        }
        self.tabs[t].timer += 1;
        // Compare-and-delete (F17); `otherTab` leaves storage alone.
        if reason != Reason::OtherTab && r.is_some() && self.tabs[t].view[0] == r {
            let _ = s;
            self.write_storage(t, None);
        }
    }

    fn commit(&mut self, t: usize, data: SessionData, kind: EventType) {
        let had = self.tabs[t].state.current().is_some();
        self.tabs[t].state.adopt(data, kind);
        if !had {
            self.tabs[t].sessions += 1;
        }
        self.tabs[t].failures = 0;
        self.schedule(t);
    }

    fn start_refresh(&mut self, t: usize) {
        if self.tabs[t].job.is_some() || !self.tabs[t].state.has_credentials() {
            return;
        }
        self.next_id += 1;
        let id = self.next_id;
        let held = self.held(t);
        let generation = self.tabs[t].state.generation();
        self.tabs[t].job = Some(Job {
            id,
            held,
            generation,
            ..Job::default()
        });
        self.wait_for_lock(t, id);
    }

    fn release(&mut self, t: usize) {
        if self.holder != Some(t) {
            return;
        }
        self.holder = None;
        if let Some((w, id)) = self.waiters.pop_front() {
            self.holder = Some(w);
            self.grants += 1;
            self.at(0, Ev::LockGranted(w, id));
        }
    }

    fn finish(&mut self, t: usize) {
        if let Some(j) = self.tabs[t].job.take() {
            if j.has_lock {
                // Kept `LOCK_SETTLE_MS` more, so the next holder reads this tab's write.
                let grant = self.grants;
                self.at(u64::from(refresh::LOCK_SETTLE_MS), Ev::Unlock(t, grant));
            }
            let ours = crate::clock::u64_to_string(j.mine);
            if j.mine != 0 && self.tabs[t].view[2].as_deref() == Some(ours.as_str()) {
                self.write_key(t, 2, None);
            }
        }
    }

    fn job_is(&self, t: usize, id: u64) -> bool {
        self.tabs[t].alive && self.tabs[t].job.as_ref().is_some_and(|j| j.id == id)
    }

    fn decide(&mut self, t: usize) {
        let j = self.tabs[t].job.as_ref().expect("job");
        let h = Held {
            refresh: j.held.0.as_deref(),
            session: j.held.1.as_deref(),
            user: j.held.2.as_deref(),
        };
        let [dsr, ds, claim] = self.tabs[t].view.clone();
        let d = refresh::after_wait(h, dsr.as_deref(), ds.as_deref(), PID, self.now, 0, true);
        match d {
            AfterWait::Adopt(data, kind) => {
                self.counts[0] += 1;
                let same = self.tabs[t].state.current().is_some_and(|c| {
                    c.session_jwt == data.session_jwt && c.refresh_jwt == data.refresh_jwt
                });
                if !same {
                    self.commit(t, data, kind);
                }
                self.finish(t);
            }
            AfterWait::Gone => {
                self.finish(t);
                self.sign_out(t, Reason::OtherTab);
            }
            AfterWait::Send(tok) => {
                if !self.locks {
                    let j = self.tabs[t].job.as_mut().expect("job");
                    let id = j.id;
                    match refresh::read_claim(claim.as_deref(), j.mine, self.now) {
                        Claim::Mine => {}
                        Claim::Other => {
                            // Another tab is refreshing: decide again (adopting its result).
                            let d = u64::from(refresh::CLAIM_POLL_MS) + self.rng.range(0, 99);
                            self.at(d, Ev::Decide(t, id));
                            return;
                        }
                        Claim::Free => {
                            let claim = refresh::claim_value(self.now, TIMEOUT_MS, self.rng.next());
                            j.mine = claim;
                            self.write_key(t, 2, Some(crate::clock::u64_to_string(claim)));
                            self.at(u64::from(refresh::CLAIM_SETTLE_MS), Ev::Decide(t, id));
                            return;
                        }
                    }
                }
                if self.fault_pct > 0 && self.rng.below(100) == 0 {
                    // F30: the holder hangs between reading storage and sending (JS frozen): the
                    // others stop waiting and one refreshes; this one then sends a stale token.
                    self.faults += 1;
                    let j = self.tabs[t].job.as_mut().expect("job");
                    j.sent = Some(tok);
                    let id = j.id;
                    let hang = self.rng.range(20_000, 40_000);
                    self.tabs[t].frozen_until = self.now + hang;
                    self.at(hang, Ev::Resend(t, id));
                } else {
                    self.send(t, tok);
                }
            }
        }
    }

    fn send(&mut self, t: usize, tok: String) {
        let j = self.tabs[t].job.as_mut().expect("job");
        j.sent = Some(tok);
        let id = j.id;
        let r = if self.fault_pct > self.rng.below(100) {
            self.faults += 1;
            self.rng.below(6)
        } else {
            99
        };
        let (d1, d2) = (self.rng.range(5, 40), self.rng.range(1, 60));
        match r {
            0 => self.at(d2 / 3 + 1, Ev::Answered(t, id, Answer::Network, None)), // F20
            1 => self.at(d1, Ev::Answered(t, id, Answer::Server, None)),          // F10
            2 => self.at(
                u64::from(TIMEOUT_MS),
                Ev::Answered(t, id, Answer::Timeout, None),
            ), // F22
            3 => self.at(d1, Ev::Arrive(t, id, true)),                            // F21
            4 => {
                // F30: the tab holding the lock dies mid-request (the answer may still commit).
                self.at(d1, Ev::Arrive(t, id, false));
                self.at(d2, Ev::Kill(t));
            }
            _ => self.at(d1, Ev::Arrive(t, id, false)),
        }
    }

    fn answered(&mut self, t: usize, ans: Answer, pair: Option<(String, String)>) {
        let (generation, sent) = {
            let j = self.tabs[t].job.as_ref().expect("job");
            (j.generation, j.sent.clone().expect("sent"))
        };
        if self.tabs[t].state.generation() != generation {
            // Replaced while in flight (another tab's write adopted, F31): the answer is dropped.
            self.finish(t);
            return;
        }
        match ans {
            Answer::Ok => {
                let (r, s) = pair.expect("pair");
                self.write_storage(t, Some((r.clone(), s.clone())));
                let out = storage::restore(Some(&r), Some(&s), PID, self.now);
                self.tabs[t].last_refresh_at = Some(self.now);
                self.tabs[t].ambiguous = None;
                self.finish(t);
                self.commit(t, out.session.expect("valid pair"), EventType::Refreshed);
            }
            Answer::Unauthorized => {
                let j = self.tabs[t].job.as_mut().expect("job");
                if !j.pending_401 {
                    // Judged once other tabs' writes have reached this one: after the lock
                    // holder finished (sent without the lock, F16), or a moment later (holding
                    // it: a holder that died just after its write released it at once, F30).
                    j.pending_401 = true;
                    let id = j.id;
                    if j.has_lock {
                        self.at(u64::from(refresh::JUDGE_PAUSE_MS), Ev::Decide(t, id));
                    } else {
                        self.wait_for_lock(t, id);
                    }
                } else {
                    self.classify_401(t);
                }
            }
            Answer::Network | Answer::Timeout => {
                let kind = if ans == Answer::Network {
                    ErrorKind::Network
                } else {
                    ErrorKind::Timeout
                };
                assert!(refresh::maybe_committed(kind));
                self.tabs[t].ambiguous = Some(sent.clone());
                let j = self.tabs[t].job.as_mut().expect("job");
                if !j.lost_retry_done {
                    // F21: one quick retry with the same token, still holding the lock.
                    j.lost_retry_done = true;
                    let id = j.id;
                    self.at(refresh::LOST_RETRY_MS, Ev::Resend(t, id));
                } else {
                    self.finish(t);
                    self.arm_retry(t, kind);
                }
            }
            Answer::Server => {
                self.finish(t);
                self.arm_retry(t, ErrorKind::Api);
            }
        }
    }

    fn classify_401(&mut self, t: usize) {
        let j = self.tabs[t].job.as_ref().expect("job");
        let sent = j.sent.clone().expect("sent");
        let h = Held {
            refresh: j.held.0.as_deref(),
            session: j.held.1.as_deref(),
            user: j.held.2.as_deref(),
        };
        let lost = self.tabs[t].ambiguous.as_deref() == Some(sent.as_str());
        let [dsr, ds, _] = &self.tabs[t].view;
        let r = refresh::on_rejected(
            &sent,
            h,
            dsr.as_deref(),
            ds.as_deref(),
            PID,
            self.now,
            0,
            j.retried,
            lost,
        );
        self.counts[match &r {
            Rejected::Adopt(..) => 1,
            Rejected::Retry(_) => 2,
            _ => 3,
        }] += 1;
        match r {
            Rejected::Adopt(data, kind) => {
                self.finish(t);
                self.commit(t, data, kind);
            }
            Rejected::Retry(tok) => {
                self.tabs[t].job.as_mut().expect("job").retried = true;
                self.send(t, tok);
            }
            other => {
                let reason = refresh::rejected_reason(&other).expect("terminal");
                self.finish(t);
                self.sign_out(t, reason);
            }
        }
    }

    /// After the lock is granted or the wait timed out: decide, or judge a pending 401.
    fn proceed(&mut self, t: usize) {
        if self.tabs[t].job.as_ref().is_some_and(|j| j.pending_401) {
            self.classify_401(t);
        } else {
            self.decide(t);
        }
    }

    fn wait_for_lock(&mut self, t: usize, id: u64) {
        if !self.locks {
            // No Web Locks: a random pause instead (`lock_promise`), `JUDGE_PAUSE_MS` more before
            // a 401 is judged.
            let judging = self.tabs[t].job.as_ref().is_some_and(|j| j.pending_401);
            let d = if judging {
                refresh::JUDGE_PAUSE_MS.into()
            } else {
                0
            } + self.rng.range(0, 199);
            self.at(d, Ev::Decide(t, id));
        } else if self.holder.is_none() {
            self.holder = Some(t);
            self.grants += 1;
            self.at(0, Ev::LockGranted(t, id));
        } else {
            self.waiters.push_back((t, id));
            self.at(
                u64::from(refresh::lock_wait_ms(TIMEOUT_MS)),
                Ev::LockTimeout(t, id),
            );
        }
    }

    fn on_storage(&mut self, t: usize, key: &str) {
        let (r, s, u) = self.held(t);
        let [dsr, ds, _] = self.tabs[t].view.clone();
        let change = storage::tab_change(
            Some(key),
            "",
            dsr.as_deref(),
            ds.as_deref(),
            PID,
            self.now,
            Held {
                refresh: r.as_deref(),
                session: s.as_deref(),
                user: u.as_deref(),
            },
        );
        match change {
            TabChange::Keep => {}
            TabChange::Adopt(data, kind) => self.commit(t, data, kind),
            TabChange::Dormant(tok, j) => {
                self.tabs[t].state.restore(None, Some((tok, Some(j))));
                self.schedule(t);
            }
            TabChange::Fetch => unreachable!("cookie mode is not simulated"),
            TabChange::SignOut { reason, .. } => self.sign_out(t, reason),
        }
    }

    fn open_tab(&mut self, t: usize) {
        let [dsr, ds, _] = &self.storage;
        let out = storage::restore(dsr.as_deref(), ds.as_deref(), PID, self.now);
        let mut tab = Tab {
            alive: true,
            view: self.storage.clone(),
            view_order: [self.writes; 3],
            ready_at: self.now,
            incarnation: self.tabs[t].incarnation + 1,
            ..Tab::default()
        };
        tab.sessions = u32::from(out.session.is_some());
        tab.state.restore(out.session, out.dormant);
        self.tabs[t] = tab;
        self.schedule(t);
    }

    fn step(&mut self) -> bool {
        let Some(Reverse((when, _, i))) = self.q.pop() else {
            return false;
        };
        self.now = when;
        let ev = self.evs[i].take().expect("event once");
        let t = match &ev {
            Ev::Timer(t, _) | Ev::LockGranted(t, _) | Ev::LockTimeout(t, _) | Ev::Decide(t, _) => {
                *t
            }
            Ev::Answered(t, ..) | Ev::Resend(t, _) | Ev::Kill(t) | Ev::Unlock(t, _) => *t,
            Ev::Deliver(t, ..) => *t,
            Ev::Arrive(..) | Ev::Reopen(_) => usize::MAX,
        };
        if let Some(tab) = self.tabs.get(t) {
            if tab.frozen_until > self.now {
                // Queued until the tab's JS runs again (a lock grant or timeout is delivered late too).
                let d = tab.frozen_until - self.now;
                self.at(d, ev);
                return true;
            }
        }
        match ev {
            Ev::Timer(t, id) => {
                if self.tabs[t].alive && self.tabs[t].timer == id {
                    self.start_refresh(t);
                }
            }
            Ev::LockGranted(t, id) => {
                if !self.job_is(t, id) {
                    // A dead or finished waiter: pass the lock on.
                    if self.holder == Some(t) {
                        self.release(t);
                    }
                    return true;
                }
                self.tabs[t].job.as_mut().expect("job").has_lock = true;
                // F30: now and then the holder hangs (JS frozen) before deciding.
                let hang = if self.fault_pct > 0 && self.rng.below(100) == 0 {
                    self.faults += 1;
                    let h = self.rng.range(20_000, 40_000);
                    self.tabs[t].frozen_until = self.now + h;
                    h
                } else {
                    0
                };
                self.at(hang, Ev::Decide(t, id));
            }
            Ev::LockTimeout(t, id) => {
                if let Some(pos) = self.waiters.iter().position(|w| *w == (t, id)) {
                    // Bounded wait (F33): go ahead without the lock.
                    self.waiters.remove(pos);
                    if self.job_is(t, id) {
                        self.proceed(t);
                    }
                }
            }
            Ev::Decide(t, id) => {
                if self.job_is(t, id) {
                    self.proceed(t);
                }
            }
            Ev::Arrive(t, id, lost) => {
                let sent = self.tabs[t]
                    .job
                    .as_ref()
                    .filter(|j| j.id == id)
                    .and_then(|j| j.sent.clone());
                if let Some(tok) = sent {
                    let res = self.server.refresh(&tok, self.now);
                    let d = self.rng.range(5, 40);
                    if lost {
                        self.at(d, Ev::Answered(t, id, Answer::Network, None));
                    } else {
                        if let Some((r, _)) = &res {
                            self.answers.push((t, id, r.clone()));
                        }
                        let a = if res.is_some() {
                            Answer::Ok
                        } else {
                            Answer::Unauthorized
                        };
                        self.at(d, Ev::Answered(t, id, a, res));
                    }
                }
            }
            Ev::Answered(t, id, a, pair) => {
                self.answers.retain(|(at, aid, _)| (*at, *aid) != (t, id));
                if self.job_is(t, id) {
                    self.answered(t, a, pair);
                }
            }
            Ev::Resend(t, id) => {
                if self.job_is(t, id) {
                    let tok = self.tabs[t].job.as_ref().and_then(|j| j.sent.clone());
                    if let Some(tok) = tok {
                        self.send(t, tok);
                    }
                }
            }
            Ev::Deliver(t, inc, key, value, order) => {
                let k = usize::from(key);
                let tab = &mut self.tabs[t];
                if tab.alive && tab.incarnation == inc && tab.view_order[k] < order {
                    tab.view[k] = value;
                    tab.view_order[k] = order;
                    // The storage event; the claim concerns no listener (`tab_change` keeps).
                    match key {
                        0 => self.on_storage(t, "DSR"),
                        1 => self.on_storage(t, "DS"),
                        _ => {}
                    }
                }
            }
            Ev::Unlock(t, grant) => {
                if self.grants == grant {
                    self.release(t);
                }
            }
            Ev::Kill(t) => {
                if self.tabs[t].alive {
                    self.tabs[t].alive = false;
                    // The browser releases a dead tab's lock (F30).
                    self.tabs[t].job = None;
                    self.waiters.retain(|w| w.0 != t);
                    if self.holder == Some(t) {
                        self.release(t);
                    }
                    let d = self.rng.range(200, 3_000);
                    self.at(d, Ev::Reopen(t));
                }
            }
            Ev::Reopen(t) => self.open_tab(t),
        }
        true
    }
}

struct RunResult {
    rotations: u32,
    requests: u32,
    unauthorized: u32,
    faults: u32,
    unintended: Vec<String>,
    lost: bool,
    counts: [u32; 4],
}

/// One run: `tabs` tabs, with or without Web Locks, faults on `fault_pct` % of requests, a server
/// with `grace_ms` of rotation grace and sessions of `ttl_s`, for `periods` session lifetimes.
fn run(
    seed: u64,
    tabs: usize,
    locks: bool,
    fault_pct: u32,
    grace_ms: u64,
    ttl_s: u64,
    periods: u64,
) -> RunResult {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let first = mint("DSR", 0, T0, 86_400);
    let mut sim = Sim {
        now: T0,
        seq: 0,
        q: BinaryHeap::new(),
        evs: Vec::new(),
        server: Server {
            n: 0,
            current: first.clone(),
            prev: None,
            grace_ms,
            session_ttl_s: ttl_s,
            requests: 0,
            unauthorized: 0,
            rotations: 0,
        },
        storage: [Some(first), Some(mint("DS", 0, T0, ttl_s)), None],
        locks,
        holder: None,
        grants: 0,
        writes: 0,
        answers: Vec::new(),
        waiters: VecDeque::new(),
        tabs: (0..tabs).map(|_| Tab::default()).collect(),
        fault_pct,
        faults: 0,
        unintended: Vec::new(),
        next_id: 0,
        counts: [0; 4],
        rng: Rng(0),
    };
    sim.rng = Rng(rng.next() as u64 | 1 << 40);
    for t in 0..tabs {
        // Tabs open within the first second.
        sim.now = T0 + rng.range(0, 1_000);
        sim.open_tab(t);
    }
    sim.now = T0;
    let end = T0 + periods * (ttl_s * 1000 - schedule::lead_ms(ttl_s * 1000));
    while sim.now < end && sim.step() {
        if sim.tabs.iter().all(|t| !t.state.has_credentials()) && !sim.family_alive() {
            break;
        }
    }
    for (i, t) in sim.tabs.iter().enumerate() {
        // G3: one `signedOut` per session, never a loop.
        assert!(
            t.sign_outs.len() as u32 <= t.sessions.max(1),
            "seed {seed}: tab {i} signed out {} times in {} sessions",
            t.sign_outs.len(),
            t.sessions
        );
    }
    let lost = !sim.family_alive();
    RunResult {
        rotations: sim.server.rotations,
        requests: sim.server.requests,
        unauthorized: sim.server.unauthorized,
        faults: sim.faults,
        unintended: sim.unintended,
        lost,
        counts: sim.counts,
    }
}

/// Runs simulated refresh cycles until `cycles` rotations have happened; panics on a violation.
fn soak(cycles: u64, base_seed: u64) {
    let (mut total, mut runs, mut clean_runs, mut lost_runs) = (0u64, 0u64, 0u64, 0u64);
    let (mut requests, mut rotations, mut unauthorized, mut faults) = (0u64, 0u64, 0u64, 0u64);
    let mut counts = [0u64; 4];
    let (mut i, mut no_locks_clean) = (0u64, 0u64);
    while total < cycles {
        let seed = base_seed.wrapping_add(i);
        i += 1;
        let mut pick = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        let tabs = 1 + pick.below(4) as usize;
        // A fifth of the runs are fault-free (exact figures); the others see faults on 20 % of
        // requests (G4), against a server with grace 0 or 10 s.
        let fault_pct = if pick.below(5) == 0 { 0 } else { 20 };
        let grace = if pick.below(2) == 0 { 0 } else { 10_000 };
        // A quarter of the runs have no Web Locks (F33).
        let locks = pick.below(4) != 0;
        // A third of the runs have 4-second sessions, as the browser tests do.
        let ttl = if pick.below(3) == 0 { 4 } else { 30 };
        let r = run(seed, tabs, locks, fault_pct, grace, ttl, 20);
        assert!(
            r.unintended.is_empty(),
            "seed {seed} ({tabs} tabs, locks {locks}, faults {fault_pct} %, grace {grace} ms, ttl {ttl} s): unintended sign-out: {:?}",
            r.unintended
        );
        if fault_pct == 0 {
            assert!(!r.lost, "seed {seed}");
            assert_eq!(
                r.unauthorized, 0,
                "seed {seed}: 401s without faults ({tabs} tabs, locks {locks})"
            );
            assert_eq!(
                r.requests, r.rotations,
                "seed {seed}: {tabs} tabs (locks {locks}) sent {} refreshes for {} rotations",
                r.requests, r.rotations
            );
            if !locks {
                no_locks_clean += 1;
            }
            assert!(
                r.rotations >= 19,
                "seed {seed}: only {} rotations ({tabs} tabs, locks {locks}, {} requests)",
                r.rotations,
                r.requests
            );
            clean_runs += 1;
        }
        // No storm: with faults, at most a few requests per rotation plus the faults' retries.
        assert!(
            r.requests <= r.rotations + 3 * r.faults + 2,
            "seed {seed}: {} requests, {} rotations, {} faults",
            r.requests,
            r.rotations,
            r.faults
        );
        lost_runs += u64::from(r.lost);
        total += u64::from(r.rotations.max(1));
        requests += u64::from(r.requests);
        rotations += u64::from(r.rotations);
        unauthorized += u64::from(r.unauthorized);
        faults += u64::from(r.faults);
        runs += 1;
        for (c, n) in counts.iter_mut().zip(r.counts) {
            *c += u64::from(n);
        }
    }
    println!(
        "G4 soak: {total} cycles in {runs} runs (seeds {base_seed}..{}), {clean_runs} fault-free \
         ({no_locks_clean} of them without Web Locks), {faults} faults, \
         {lost_runs} runs ended by a lost rotation (grace 0), {requests} refresh requests for {rotations} rotations, \
         {unauthorized} answered 401 (then: {} adopted, {} retried, {} signed out), {} results adopted \
         after waiting for the lock, 0 unintended sign-outs",
        base_seed.wrapping_add(i),
        counts[1],
        counts[2],
        counts[3],
        counts[0]
    );
}

fn env_u64(k: &str) -> Option<u64> {
    std::env::var(k).ok().and_then(|v| v.parse().ok())
}

#[test]
fn g4_soak_f16_f17_f21_f29_f30_f33_tabs_refresh_once_per_rotation_with_no_unintended_sign_out() {
    soak(
        env_u64("G4_CYCLES").unwrap_or(10_000),
        env_u64("G4_SEED").unwrap_or(1),
    );
}

#[test]
fn g4_fault_free_tabs_send_exactly_one_refresh_per_rotation() {
    for locks in [true, false] {
        for tabs in 1..=4 {
            let r = run(7 + tabs as u64, tabs, locks, 0, 0, 30, 20);
            assert_eq!(r.requests, r.rotations, "{tabs} tabs, locks {locks}");
            assert_eq!(r.unauthorized, 0);
            assert!(r.unintended.is_empty());
            assert!(r.rotations >= 19);
        }
    }
}
