//! The plan-order scheduler: at most N scans at once, and a free slot goes to the waiting
//! target earliest in the plan, so results arrive roughly in plan order and the window of
//! finished-but-unwritten results stays small.

use std::sync::{Condvar, Mutex};

/// At most `n` holders at once.
/// A counting semaphore that grants permits in plan order: the waiter with the lowest target
/// index goes first, so targets start in the order the plan lists them even when more threads
/// than slots wait (threads also serve builds and report imports).
pub(super) struct Semaphore {
    state: Mutex<SemState>,
    freed: Condvar,
}

struct SemState {
    free: usize,
    waiting: std::collections::BTreeSet<usize>,
}

pub(super) struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    pub(super) fn new(n: usize) -> Semaphore {
        Semaphore {
            state: Mutex::new(SemState {
                free: n,
                waiting: Default::default(),
            }),
            freed: Condvar::new(),
        }
    }

    pub(super) fn acquire(&self, index: usize) -> Permit<'_> {
        let mut state = self.state.lock().expect("semaphore");
        state.waiting.insert(index);
        while state.free == 0 || state.waiting.first() != Some(&index) {
            state = self.freed.wait(state).expect("semaphore");
        }
        state.waiting.remove(&index);
        state.free -= 1;
        drop(state);
        // The next lowest waiter may be able to go too.
        self.freed.notify_all();
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.state.lock().expect("semaphore").free += 1;
        self.0.freed.notify_all();
    }
}

#[cfg(test)]
impl Semaphore {
    fn waiting(&self) -> usize {
        self.state.lock().expect("semaphore").waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Semaphore;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_free_slot_goes_to_the_waiter_earliest_in_the_plan() {
        let sem = Arc::new(Semaphore::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let held = sem.acquire(0);
        let threads: Vec<_> = [5, 2, 9, 7]
            .into_iter()
            .map(|index| {
                let (sem, order) = (sem.clone(), order.clone());
                std::thread::spawn(move || {
                    let _permit = sem.acquire(index);
                    order.lock().unwrap().push(index);
                })
            })
            .collect();
        // Every thread waits before the slot is freed (no timing: the state says so).
        while sem.waiting() < 4 {
            std::thread::yield_now();
        }
        drop(held);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [2, 5, 7, 9]);
    }

    #[test]
    fn never_more_holders_than_slots() {
        let sem = Arc::new(Semaphore::new(2));
        // Two slots: two holders at once.
        let first = sem.acquire(0);
        let second = sem.acquire(1);
        let got = Arc::new(AtomicBool::new(false));
        let third = {
            let (sem, got) = (sem.clone(), got.clone());
            std::thread::spawn(move || {
                let _permit = sem.acquire(2);
                got.store(true, Ordering::SeqCst);
            })
        };
        // The third waits (the state says so, no timing), or, were there a third slot, holds.
        while sem.waiting() == 0 && !got.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        assert!(!got.load(Ordering::SeqCst), "a third holder beside two");
        drop(first);
        third.join().unwrap();
        assert!(got.load(Ordering::SeqCst), "a freed slot is taken");
        drop(second);
    }
}
