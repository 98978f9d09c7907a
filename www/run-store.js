// @ts-check
// The trainer's saved run: one record in the browser's IndexedDB (on this device only), so a
// run survives a reload or a crashed tab. The record holds the run's checkpoint (both
// networks, its settings, its step and, on the CPU, the optimisers' states) and what the panel
// showed of it (the curves, the quality meter's scores, the step budget). Nothing leaves the
// browser.

const DB_NAME = "gan-studio";
const STORE = "runs";
const KEY = "current";

/** Opens (and on first use creates) the database; resolves to it. */
function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs `work(store)` in one transaction; resolves to its request's result once committed. */
async function transact(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
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
