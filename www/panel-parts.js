// How a panel's class (the trainer's, the lab's) takes the methods its other files hold: each
// of those files has one of the panel's jobs (its views, its files, ...) as an object of
// methods, which become the class's own, so `this` is the panel in all of them.

/**
 * Adds every method (and getter) of each of `parts` to `cls`'s prototype.
 * @param {Function} cls
 * @param {...object} parts
 */
export function addParts(cls, ...parts) {
  for (const part of parts) Object.defineProperties(cls.prototype, Object.getOwnPropertyDescriptors(part));
}
