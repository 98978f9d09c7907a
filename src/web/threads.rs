//! The CPU's threads, in the threaded module only (built with wasm atomics, see
//! `scripts/build-threads.sh`; the page loads it where it is cross-origin isolated).
//!
//! flex and gemm split their work on rayon's global pool. Here that pool's threads are Web
//! Workers that share this module's memory, started by `www/cpu-threads.js` in three steps:
//! [`shared_module`] hands out what a worker needs to instantiate this module on the same
//! memory; each such worker then waits in [`run_pool_thread`]; and [`start_thread_pool`]
//! builds the pool, with the calling worker as its first thread and one waiting worker for
//! each other thread (rayon returns only once every thread has started).

use std::sync::{Condvar, Mutex};

use rayon::{ThreadBuilder, ThreadPoolBuilder};
use wasm_bindgen::prelude::*;

use super::js_error;

/// The pool's threads that no Web Worker has taken yet, and the signal that one was added.
static WAITING: (Mutex<Vec<ThreadBuilder>>, Condvar) = (Mutex::new(Vec::new()), Condvar::new());

/// `{ module, memory }`: this module and its shared memory, for the Web Workers that become
/// the pool's threads to instantiate it with.
#[wasm_bindgen(js_name = sharedModule)]
pub fn shared_module() -> Result<JsValue, JsValue> {
    let shared = js_sys::Object::new();
    js_sys::Reflect::set(&shared, &"module".into(), &wasm_bindgen::module())?;
    js_sys::Reflect::set(&shared, &"memory".into(), &wasm_bindgen::memory())?;
    Ok(shared.into())
}

/// Builds rayon's global pool of `threads` threads: the calling worker (it takes part in its
/// own parallel work) and `threads - 1` more, one for each worker waiting in
/// [`run_pool_thread`]. Blocks until all of them run, so those workers must wait already.
/// Fails when a pool is already running.
#[wasm_bindgen(js_name = startThreadPool)]
pub fn start_thread_pool(threads: usize) -> Result<(), JsValue> {
    let (waiting, added) = &WAITING;
    ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .use_current_thread()
        .spawn_handler(|thread| {
            waiting
                .lock()
                .expect("no thread panics holding it")
                .push(thread);
            added.notify_one();
            Ok(())
        })
        .build_global()
        .map_err(|e| js_error(format!("the CPU's thread pool did not start: {e}")))
}

/// Waits on the calling Web Worker for a thread of the pool (see [`start_thread_pool`]) and
/// runs it. It returns only when the pool ends, which in the page is never: the worker
/// belongs to the pool from then on.
#[wasm_bindgen(js_name = runPoolThread)]
pub fn run_pool_thread() {
    let (waiting, added) = &WAITING;
    let thread = {
        let mut threads = waiting.lock().expect("no thread panics holding it");
        loop {
            match threads.pop() {
                Some(thread) => break thread,
                None => threads = added.wait(threads).expect("no thread panics holding it"),
            }
        }
    };
    thread.run();
}
