//! The delivery worker: delivers what is due, sleeps until the next
//! dossier is due or one is enqueued, and stops promptly.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use super::{Delivery, Outbox, now_ms};
use crate::client::ApiClient;

/// What a worker has done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Dossiers the backend now holds.
    pub delivered: u64,
    /// Attempts that left a dossier queued.
    pub failed_attempts: u64,
    /// Rounds that could not read the outbox itself.
    pub outbox_errors: u64,
}

#[derive(Default)]
struct Counters {
    delivered: AtomicU64,
    failed_attempts: AtomicU64,
    outbox_errors: AtomicU64,
}

/// A running worker. [`WorkerHandle::stop`] ends it; dropping the handle
/// aborts it.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerHandle")
            .field("stats", &self.stats())
            .finish()
    }
}

impl WorkerHandle {
    /// Stops the worker, cutting an attempt in flight (it is repeated on
    /// the next start: every step is idempotent), and waits for it.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    pub fn stats(&self) -> WorkerStats {
        WorkerStats {
            delivered: self.counters.delivered.load(Ordering::Relaxed),
            failed_attempts: self.counters.failed_attempts.load(Ordering::Relaxed),
            outbox_errors: self.counters.outbox_errors.load(Ordering::Relaxed),
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

pub(super) fn spawn(outbox: Outbox, client: ApiClient) -> WorkerHandle {
    let (stop, mut stopped) = watch::channel(false);
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    let task = tokio::spawn(async move {
        let idle = outbox.inner.options.backoff_cap;
        let pause = outbox.inner.options.backoff_base;
        loop {
            let counted = |d: &Delivery| {
                let counter = match d {
                    Delivery::Delivered(_) => &c.delivered,
                    Delivery::Queued { .. } => &c.failed_attempts,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            };
            let round = tokio::select! {
                biased;
                _ = stopped.changed() => return,
                r = outbox.deliver_due_each(&client, counted) => r,
            };
            let wait = match round {
                Ok(()) => match outbox.next_due_ms().await {
                    Ok(Some(due)) => {
                        let ms = u64::try_from(due.saturating_sub(now_ms())).unwrap_or(0);
                        Duration::from_millis(ms).min(idle)
                    }
                    Ok(None) => idle,
                    Err(_) => {
                        c.outbox_errors.fetch_add(1, Ordering::Relaxed);
                        pause
                    }
                },
                Err(_) => {
                    c.outbox_errors.fetch_add(1, Ordering::Relaxed);
                    pause
                }
            };
            tokio::select! {
                biased;
                _ = stopped.changed() => return,
                () = outbox.inner.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    });
    WorkerHandle {
        stop,
        task: Some(task),
        counters,
    }
}
