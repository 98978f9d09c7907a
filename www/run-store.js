// @ts-check
// The trainer's saved run: one record in the browser's IndexedDB (on this device only), so a
// run survives a reload or a crashed tab. The record holds the run's checkpoint (both
// networks, its settings, its step and, on the CPU, the optimisers' states) and what the panel
// showed of it (the curves, the quality meter's scores, the step budget). Nothing leaves the
// browser.
//
// Beside it, the Runs panel's kept runs (run-records.js: settings, curves, scores and small
// progress grids, no weights), one record per run under its id in the store "archive" (added
// in version 2 of the database; the saved run stays where it was).

const DB_NAME = "gan-studio";
const STORE = "runs";
const KEY = "current";
const ARCHIVE = "archive";
const VERSION = 2;

/** Opens (and on first use creates or upgrades) the database; resolves to it. */
function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      if (!db.objectStoreNames.contains(ARCHIVE)) db.createObjectStore(ARCHIVE, { keyPath: "id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs `work(store)` in one transaction on the object store `name`; resolves to its request's
 * result once committed.
 */
async function transact(mode, work, name = STORE) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error("the save was aborted"));
    });
  } finally {
    db.close();
  }
}

/** Saves `record` as the run to offer after a reload (replacing the one before). */
export function saveRun(record) {
  return transact("readwrite", (store) => store.put(record, KEY));
}

/** The saved run, or null. */
export async function loadRun() {
  return (await transact("readonly", (store) => store.get(KEY))) ?? null;
}

/** Forgets the saved run. */
export function clearRun() {
  return transact("readwrite", (store) => store.delete(KEY));
}

/** Keeps (or replaces) a run of the Runs panel: `record.id` is its key. */
export function keepRun(record) {
  return transact("readwrite", (store) => store.put(record), ARCHIVE);
}

/** Every kept run, in no particular order. */
export async function keptRuns() {
  return (await transact("readonly", (store) => store.getAll(), ARCHIVE)) ?? [];
}

/** Forgets the kept run with id `id`. */
export function forgetRun(id) {
  return transact("readwrite", (store) => store.delete(id), ARCHIVE);
}
